pytest_plugins = ["hightable.stories.pytest_plugin"]
