"""A worker's story across every app, for the worker page: each app tells its own lines
through its scoped selectors (``story_of``), so what an officer sees of the worker here is
what each app would show them on its own pages, and ``members`` never imports the apps."""

from gonghui.accounts.models import User
from gonghui.core.story import StoryLine
from gonghui.culture.selectors import story_of as culture_story
from gonghui.members.models import Worker
from gonghui.mutualaid.selectors import story_of as mutualaid_story
from gonghui.programs.selectors import story_of as programs_story
from gonghui.rights.selectors import story_of as rights_story
from gonghui.stations.selectors import story_of as stations_story
from gonghui.training.selectors import story_of as training_story

TELLERS = (
    programs_story,
    mutualaid_story,
    rights_story,
    training_story,
    culture_story,
    stations_story,
)


def worker_story(user: User, worker: Worker) -> list[StoryLine]:
    """Every app's lines about ``worker`` in ``user``'s subtree, newest first."""
    lines = [line for tell in TELLERS for line in tell(user, worker)]
    return sorted(lines, key=lambda line: line.day, reverse=True)
