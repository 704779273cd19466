"""What a storm passes around: commands and reports as JSON holds them.

A command's fields are judged where it is parsed (CMD-1), not here: the storm sends lawful and
unlawful values alike, so its commands are JSON objects, not typed commands.
"""

from typing import Any

Fields = dict[str, Any]  # a JSON object: a command's fields, a report, a story's step
