"""Each PII detector on positive and negative examples, checksums included; redaction and reports."""

from __future__ import annotations

from datetime import date

import pytest

from assay.prep import (
    PLACEHOLDERS,
    PrepRecord,
    RecordSet,
    card_ok,
    cn_id_check_char,
    cn_id_ok,
    entropy_bits,
    find_pii,
    luhn_ok,
    redact,
    redact_value,
    scan_pii,
    ssn_ok,
)


def types(text: str) -> list[str]:
    return [m.type for m in find_pii(text)]


def test_luhn_on_published_test_numbers() -> None:
    for number in ("4111111111111111", "5555555555554444", "378282246310005", "6011111111111117", "79927398713"):
        assert luhn_ok(number), number
    for number in ("4111111111111112", "5555555555554445", "79927398710", "12a4"):
        assert not luhn_ok(number), number


def test_card_needs_luhn_and_a_known_issuer() -> None:
    assert card_ok("4111111111111111") and card_ok("378282246310005") and card_ok("6212345678901265")
    assert not card_ok("4111111111111112")  # bad checksum
    assert not card_ok("9111111111111110")  # passes Luhn, no issuer starts with 9
    assert types("pay with 4111 1111 1111 1111 today") == ["card"]
    assert types("pay with 4111-1111-1111-1111") == ["card"]
    assert types("order number 4111111111111112") == []


def _cn_id(first17: str) -> str:
    return first17 + cn_id_check_char(first17)


def test_chinese_resident_id_checksum_and_birth_date() -> None:
    # GB 11643-1999's worked example: 11010519491231002X
    assert cn_id_check_char("11010519491231002") == "X"
    assert cn_id_ok("11010519491231002X") and cn_id_ok("11010519491231002x")
    assert not cn_id_ok("110105194912310021")  # wrong check character
    valid = _cn_id("44030419900307123")
    assert cn_id_ok(valid)
    assert not cn_id_ok(_cn_id("44030419900230123"))  # 30 February
    assert not cn_id_ok(_cn_id("44030418890307123"))  # born before 1900
    assert not cn_id_ok(_cn_id("44030420990307123"), today=date(2026, 1, 1))  # born in the future
    assert not cn_id_ok(_cn_id("04030419900307123"))  # no region code starts with 0
    assert types(f"身份证号：{valid}。") == ["cn_resident_id"]
    assert types("订单号 110105194912310021 已发货") == []


def test_us_ssn_shape() -> None:
    assert ssn_ok("123", "45", "6789")
    for parts in (("000", "45", "6789"), ("666", "45", "6789"), ("912", "45", "6789"), ("123", "00", "6789"),
                  ("123", "45", "0000")):
        assert not ssn_ok(*parts), parts
    assert types("SSN 123-45-6789") == ["us_ssn"]
    assert types("SSN 666-45-6789") == []
    assert types("part 123-45-67890") == []


def test_email() -> None:
    assert types("write to first.last+tag@mail.example.co.uk please") == ["email"]
    assert types("张三的邮箱是 zhang.san@example.cn。") == ["email"]
    assert types("not an email: user@localhost or @handle or a@b") == []


def test_phone_numbers() -> None:
    assert types("call +1 415-555-2671") == ["phone"]
    assert types("call +44 20 7946 0958 now") == ["phone"]
    assert types("手机 13812345678，或 +86 138 1234 5678") == ["phone", "phone"]
    assert types("office (415) 555-2671") == ["phone"]
    assert types("the year 2024, page 12-34, 12345678901 widgets") == []
    assert types("手机 12812345678") == []  # Chinese mobile numbers start 13-19


def test_ip_addresses() -> None:
    assert types("server 192.168.1.20 and 10.0.0.1") == ["ipv4", "ipv4"]
    assert types("v6 2001:db8::8a2e:370:7334 and fe80::1ff:fe23:4567:890a") == ["ipv6", "ipv6"]
    assert types("loopback ::1") == []  # too short to identify anyone
    assert types("not 999.1.1.1, not 1.2.3.4.5, time 12:30:45, std::vector, a::b") == []


def test_api_keys_and_tokens() -> None:
    keys = [
        "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t",
        "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv",
        "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
        "AKIAIOSFODNN7EXAMPLE",
        "xoxb-123456789012-abcdefABCDEF",
        "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYz012345",
    ]
    for key in keys:
        assert types(f"token here {key} end") == ["api_key"], key
    assert types("api_key = 'Zx8vQ2mN7pL4kR9sT1wY'") == ["api_key"]
    assert redact("password: Zx8vQ2mN7pL4kR9sT1wY") == "password: [API_KEY]"
    # a label followed by a word, or a low-entropy value, is not a secret
    assert types("the token: aaaaaaaaaaaaaaaaaaaaaa") == []
    assert types("password: correcthorsebatterystaple") == []
    assert types("skip the task-based approach") == []
    assert entropy_bits("aaaa") == 0.0 and entropy_bits("abcd") == pytest.approx(2.0)


def test_redaction_uses_typed_placeholders_and_overlaps_resolve_by_priority() -> None:
    text = "Mail a@example.com, card 4111111111111111, ID 11010519491231002X, ip 8.8.8.8."
    assert redact(text) == "Mail [EMAIL], card [CARD], ID [CN_ID], ip [IP]."
    assert set(PLACEHOLDERS.values()) >= {"[EMAIL]", "[PHONE]", "[IP]", "[CARD]", "[API_KEY]", "[CN_ID]", "[SSN]"}
    assert redact_value({"a": ["x a@b.io", 3], "b": {"c": "8.8.8.8"}}) == {"a": ["x [EMAIL]", 3], "b": {"c": "[IP]"}}


def test_report_counts_per_type_and_never_shows_a_value() -> None:
    secrets = ["bob@example.com", "13812345678", "4111111111111111", "11010519491231002X"]
    records = RecordSet("f.jsonl", "line", [
        PrepRecord(1, f"contact {secrets[0]} or {secrets[1]}", ["card " + secrets[2]]),
        PrepRecord(2, "nothing here"),
        PrepRecord(3, "身份证 " + secrets[3], ["and again bob@example.com"]),
    ])
    report = scan_pii(records)
    assert report.records_with_pii == 2
    assert report.counts["email"] == 2 and report.counts["phone"] == 1 and report.counts["card"] == 1
    assert report.counts["cn_resident_id"] == 1 and report.counts["us_ssn"] == 0
    dumped = report.model_dump_json()
    assert not any(s in dumped for s in secrets)
    assert report.samples["email"][0].where == "f.jsonl:line 1"
    assert "[EMAIL]" in report.samples["email"][0].context
