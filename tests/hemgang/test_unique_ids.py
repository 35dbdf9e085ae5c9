"""Every id on every page is unique: a label ticks its own box, never one in another form (issue 8, item 1)."""

import pytest

from .. import walk


def _walk(world, start_case, login):
    """Each page as every persona who may open it (what a page shows differs by role): its repeated ids,
    the pages nobody could open, and how many pages were read."""
    s = walk.scene(world, start_case)
    readers = {user.username: login(user) for user in walk.personas(world, s)}
    repeated, unopened, walked = {}, [], 0
    with walk.at():
        for route, _name, url, is_api in walk.pages(world, s):
            if is_api or route.endswith(walk.DOWNLOADS):
                continue  # not HTML, or not asked for
            opened = False
            for who, http in readers.items():
                response = http.get(url)
                if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                    continue
                opened = True
                walked += 1
                found = walk.repeated_ids(response.content.decode())
                if found:
                    repeated[f"{route} ({who})"] = found
            if not opened:
                unopened.append(route)
    return repeated, unopened, walked


def test_no_page_repeats_an_html_id(world, start_case, login):
    repeated, unopened, walked = _walk(world, start_case, login)
    assert unopened == []
    assert walked >= 40
    assert repeated == {}


def test_the_checker_finds_a_repeated_id():
    assert walk.repeated_ids('<label for="a"></label><input id="a"><form><input id="a"></form>') == ["a"]
    assert walk.repeated_ids('<input id="a"><input id="b">') == []


@pytest.mark.parametrize("html", ['<p id="x"/><p id="x">'])
def test_self_closing_tags_count_too(html):
    assert walk.repeated_ids(html) == ["x"]
