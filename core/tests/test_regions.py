from core.regions import ancestor_paths


def test_a_region_and_every_region_above_it_top_first():
    assert ancestor_paths("44/4407/440703/") == ["44/", "44/4407/", "44/4407/440703/"]


def test_without_itself_only_the_regions_above():
    assert ancestor_paths("44/4407/440703/", include_self=False) == ["44/", "44/4407/"]
    assert ancestor_paths("44/", include_self=False) == []


def test_an_empty_path_has_no_ancestors():
    assert ancestor_paths("") == []
