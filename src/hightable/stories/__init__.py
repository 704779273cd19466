"""Stories (§15): YAML worlds played step by step, with what must happen."""

from hightable.stories.loader import Step, Story, StoryError, load_story
from hightable.stories.runner import Failure, StoryResult, play, play_path, story_paths

__all__ = [
    "Failure",
    "Step",
    "Story",
    "StoryError",
    "StoryResult",
    "load_story",
    "play",
    "play_path",
    "story_paths",
]
