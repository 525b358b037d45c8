"""bench/registry.py at a tiny scale on the test database: its bulk load writes real, valid registry rows (the
registry's own selectors find them, the expired ones stay out), a second load is skipped, and its arguments."""
import pytest

from bench import registry as bench
from blacklist.models import BlacklistEntry, ListingDecision
from blacklist.selectors import blacklist_search, export_rows
from casework.identity import validate_id_number, validate_uscc
from casework.models import Employer

pytestmark = pytest.mark.django_db


def test_arguments_and_scale():
    a = bench.parse_args(["--scale", "0.01", "--duration", "2"])
    assert (a.scale, a.duration, a.concurrency, a.workers) == (0.01, 2.0, 4, 2)
    assert bench.sizes(1) == (100_000, 1_000_000) and bench.sizes(0.01) == (1_000, 10_000)
    assert bench.database_url("postgres://h/bench_registry", 0.01) == "postgres://h/bench_registry_s0_01"
    assert bench.database_url("postgres://h/bench_registry", 1) == "postgres://h/bench_registry"
    for bad in ("0", "1.5"):
        with pytest.raises(SystemExit):
            bench.parse_args(["--scale", bad])


def test_tiny_load_is_read_by_the_real_registry():
    out = bench.load(40, 100, log=lambda m: None)
    assert out["loaded"] and (out["published_listings"], out["employers"]) == (40, 100)
    assert ListingDecision.objects.filter(state="EXPIRED").count() == 2  # 5 % more, removed from the registry
    for e in Employer.objects.all():
        validate_uscc(e.uscc)  # GB 32100 check character
    person = BlacklistEntry.objects.filter(subject_type="PERSON").first()
    validate_id_number(person.id_number)  # stored encrypted, published masked
    assert person.id_number not in person.public_id_masked and person.public_id_masked

    everything = blacklist_search()
    assert everything["count"] == 40 and len(everything["results"]) == 20 and everything["num_pages"] == 2
    assert len(list(export_rows())) == 40
    row = everything["results"][0]
    assert blacklist_search(uscc=row["uscc"])["results"][0]["id"] == row["id"]
    assert row["id"] in [r["id"] for r in blacklist_search(q=row["unit_name"][2:6])["results"]]
    assert row["legal_representative"] and row["co_listed"][0]["id_number_masked"]
    kinds = {k for k, _ in bench.sample_queries(n_each=3)}
    assert kinds == {"name_2_chars", "name_4_chars", "uscc", "prefecture", "prefecture_page_2", "first_page"}

    again = bench.load(40, 100, log=lambda m: None)
    assert not again["loaded"] and ListingDecision.objects.count() == 42  # kept, not loaded twice


def test_mixed_scenario_has_one_new_search_in_ten():
    """The "10 % new" scenario: every tenth request a search that appears nowhere else in the list, the rest the
    warm mix (so that the cached scenario's misses are real misses)."""
    search = [("uscc", f"/api/v1/public/blacklist/?uscc=X{i}") for i in range(7)]
    paths = bench.mixed_paths(search, n=1000)
    new = [p for kind, p in paths if kind.startswith("new_")]
    assert len(paths) == 1000 and len(new) == 100 and len(set(new)) == 100
    assert not set(new) & {p for _, p in search}
    assert all(kind.startswith("new_") for kind, _ in paths[::10])
