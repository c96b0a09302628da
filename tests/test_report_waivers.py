"""Waiver files: matching by fingerprint or rule + URL pattern, expiry against as_of."""

from __future__ import annotations

import datetime as dt

import pytest

from reports import waivers

TEXT = '''
[[waiver]]
fingerprint = "fp1"
kind = "false_alarm"
reason = "内网地址"
author = "张三"
expires = 2026-12-31

[[waiver]]
rule = "link.broken"
url_pattern = "^https?://old\\\\.example\\\\.gov\\\\.cn/"
reason = "旧站点整改中"
author = "李四"
expires = "2026-06-30"
'''

F1 = {"id": 1, "fingerprint": "fp1", "rule": "doc.untimely", "url": "https://www.example.gov.cn/a"}
F2 = {"id": 2, "fingerprint": "fp2", "rule": "link.broken", "url": "http://old.example.gov.cn/x", "page_url": "p"}
F3 = {"id": 3, "fingerprint": "fp3", "rule": "link.broken", "url": "https://www.example.gov.cn/x"}


def test_parse_and_match():
    ws = waivers.parse_waivers(TEXT)
    assert len(ws) == 2 and ws[0].kind_zh == "误报" and ws[1].expires == dt.date(2026, 6, 30)
    got = waivers.waived_findings([F1, F2, F3], ws, "2026-06-01")
    assert set(got) == {1, 2}


def test_expiry_is_inclusive_and_judged_on_as_of():
    ws = waivers.parse_waivers(TEXT)
    assert set(waivers.waived_findings([F1, F2, F3], ws, "2026-06-30")) == {1, 2}
    assert set(waivers.waived_findings([F1, F2, F3], ws, "2026-07-01")) == {1}  # rule waiver expired
    assert waivers.waived_findings([F1, F2, F3], ws, dt.date(2027, 1, 1)) == {}


@pytest.mark.parametrize("bad,msg", [
    ('[[waiver]]\nfingerprint = "x"\nauthor = "a"\nexpires = 2026-01-01\n', "reason"),
    ('[[waiver]]\nreason = "r"\nauthor = "a"\nexpires = 2026-01-01\n', "fingerprint"),
    ('[[waiver]]\nfingerprint = "x"\nreason = "r"\nauthor = "a"\nexpires = "soon"\n', "expires"),
    ('[[waiver]]\nrule = "x"\nurl_pattern = "("\nreason = "r"\nauthor = "a"\nexpires = 2026-01-01\n', "regular"),
    ('[[waiver]]\nfingerprint = "x"\nreason = "r"\nauthor = "a"\nexpires = 2026-01-01\nwho = 1\n', "unknown"),
])
def test_bad_files_name_the_problem(bad, msg):
    with pytest.raises(waivers.WaiverError, match=msg):
        waivers.parse_waivers(bad, "w.toml")


def test_add_waiver_round_trip(tmp_path):
    path = tmp_path / "waivers.toml"
    waivers.add_waiver(path, fingerprint="fp9", reason='含"引号"的理由', author="王五", expires="2026-12-01")
    waivers.add_waiver(path, rule="link.broken", url_pattern=r"^https://x\.gov\.cn/", reason="r", author="a",
                       expires=dt.date(2026, 1, 1), kind="false_alarm")
    ws = waivers.load_waivers(path)
    assert [w.fingerprint for w in ws] == ["fp9", None] and ws[0].reason == '含"引号"的理由'
    assert ws[1].matches({"rule": "link.broken", "url": "https://x.gov.cn/a"})
    assert waivers.load_waivers(tmp_path / "missing.toml") == []


def test_resolve_from_profile_key(tmp_path):
    path = tmp_path / "w.toml"
    path.write_text(TEXT, encoding="utf-8")
    assert len(waivers.resolve(None, {"waivers": {"file": str(path)}})) == 2
    assert waivers.resolve(None, {}) == []
