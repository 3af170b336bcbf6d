"""The list filters are declared once: MediaFiltersSchema loads them into MediaFilters, which
gives back the URL arguments for links and the words for chips."""

import dataclasses
from datetime import date

import pytest

from mediaapp.schemas import FILTER_FIELDS, ListMediaArgsSchema, MediaFilters, MediaFiltersSchema

EVERY_FILTER = MediaFilters(
    type="video",
    q="fox",
    model="veo-3",
    favorite=False,
    date_from=date(2026, 1, 2),
    date_to=date(2026, 3, 4),
    min_rating=3,
    sort="oldest",
    archive="missing",
)


def test_the_schema_declares_every_filter_that_a_url_can_set():
    settable = {f.name for f in dataclasses.fields(MediaFilters)} - {"trashed"}

    assert set(FILTER_FIELDS) == settable


def test_url_arguments_load_back_into_the_same_filters():
    params = EVERY_FILTER.params

    assert params == {
        "type": "video",
        "q": "fox",
        "model": "veo-3",
        "favorite": "false",
        "from": "2026-01-02",
        "to": "2026-03-04",
        "minRating": "3",
        "sort": "oldest",
        "archive": "missing",
    }
    assert MediaFiltersSchema().load(params) == EVERY_FILTER


def test_defaults_are_left_out_of_the_url():
    assert MediaFilters(sort="newest").params == {}


def test_chips_word_each_active_filter_and_link_to_the_view_without_it():
    chips = EVERY_FILTER.chips

    assert [chip["label"] for chip in chips] == [
        "“fox”",
        "veo-3",
        "Not favorites",
        "From 2 Jan 2026",
        "Until 4 Mar 2026",
        "Rated 3+",
        "Files not kept",
    ]
    assert "q" not in chips[0]["remove"] and chips[0]["remove"]["model"] == "veo-3"


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_search_or_model_is_no_filter(blank):
    assert MediaFiltersSchema().load({"q": blank, "model": blank}) == MediaFilters()


def test_the_list_arguments_carry_the_filters_beside_the_paging():
    args = ListMediaArgsSchema().load({"type": "image", "limit": "5"})

    assert args == {"filters": MediaFilters(type="image"), "limit": 5, "offset": 0, "cursor": None}
