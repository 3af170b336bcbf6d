"""Each test starts from empty tables: a record written in one test is gone in the next."""

from tests.conftest import count_rows, save


def test_isolation_first_writes_a_record(client, app):
    save(client)

    assert count_rows(app) == 1


def test_isolation_second_sees_no_record_from_the_first(app):
    assert count_rows(app) == 0
