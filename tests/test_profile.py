"""Profiles: the precedence ladder and clear errors for wrong files."""

import pytest

from xxgk.profile import ProfileError, bundled_names, load_profile


def test_bundled_profiles():
    assert {"default", "national"} <= set(bundled_names())
    assert load_profile().get_path("timeliness.working_days") == 10
    assert load_profile("national").get_path("timeliness.working_days") == 20


def test_cli_overrides_win():
    prof = load_profile("national", {"crawl": {"concurrency": 3}})
    assert prof.get_path("crawl.concurrency") == 3
    assert prof.get_path("timeliness.working_days") == 20


def test_user_file_overrides_only_what_it_names(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('[crawl]\ndelay = 1\n', encoding="utf-8")
    prof = load_profile(str(path))
    assert prof.get_path("crawl.delay") == 1
    assert prof.get_path("crawl.timeout") == 15.0
    assert prof.name == "mine"


@pytest.mark.parametrize(
    "text, message",
    [
        ("[crawl]\nspeed = 3\n", "unknown key `crawl.speed`"),
        ("[crawl]\nconcurrency = 'many'\n", "`crawl.concurrency` must be an integer"),
        ("[links]\nsoft404_title_patterns = ['(unclosed']\n", "bad regular expression"),
        ("[crawl\n", "not valid TOML"),
        ("[nosuch]\nx = 1\n", "unknown key `nosuch`"),
    ],
)
def test_wrong_profile_names_file_and_key(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(str(path))
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_unknown_profile_name():
    with pytest.raises(ProfileError, match="unknown profile"):
        load_profile("nosuchprofile")
    with pytest.raises(ProfileError, match="does not exist"):
        load_profile("/nonexistent/x.toml")


def test_numeric_key_named_like_a_pattern_is_not_a_regex(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text("[crawl]\nmax_per_pattern = 3\n", encoding="utf-8")
    assert load_profile(str(path)).get_path("crawl.max_per_pattern") == 3
