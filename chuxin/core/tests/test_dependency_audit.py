"""The dependency audit CI runs (.ci/audit.py): a known vulnerability fails it unless accepted with a reason, and
what could not be audited is said out loud. The registries' answers are stood in for: no network in the suite."""

from __future__ import annotations

import importlib.util
import sys
import urllib.error
from pathlib import Path

import pytest
from django.conf import settings

spec = importlib.util.spec_from_file_location("ci_audit", Path(settings.BASE_DIR) / ".ci" / "audit.py")
audit = importlib.util.module_from_spec(spec)
sys.modules["ci_audit"] = audit  # dataclasses look their module up there
spec.loader.exec_module(audit)

PINS = {"django": "5.2.19", "nh3": "0.3.8"}
NOT_FOUND = "Dependency not found on PyPI and could not be audited"


def pip_audit_report(**vulns) -> dict:
    """pip-audit's JSON when PyPI answered for each release: `vulns` maps a package to its vulnerabilities."""
    return {"dependencies": [{"name": name, "version": version, "vulns": vulns.get(name, [])}
                             for name, version in PINS.items()]}


def all_skipped() -> dict:
    """pip-audit's JSON here: the per-release address is not served, so every package is skipped."""
    return {"dependencies": [{"name": name, "skip_reason": f"{NOT_FOUND}: {name} ({version})"}
                             for name, version in PINS.items()]}


def run(results, accepted=None) -> tuple[int, list[str]]:
    lines: list[str] = []
    return audit.report(results, accepted or {}, out=lines.append), lines


DJANGO_VULN = {"id": "PYSEC-2099-1", "aliases": ["GHSA-aaaa-bbbb-cccc", "CVE-2099-0001"],
               "fix_versions": ["5.2.20"], "description": "SQL injection in something"}


def test_a_known_vulnerability_fails_the_audit():
    result = audit.audit_python(PINS, pip_audit_report(django=[DJANGO_VULN]))
    code, lines = run([result])
    assert code == 1
    assert "python: 2 locked package(s) audited, 1 known vulnerability" in lines
    assert ("  VULNERABLE python django 5.2.19: PYSEC-2099-1 (GHSA-aaaa-bbbb-cccc, CVE-2099-0001); fixed in 5.2.20: "
            "SQL injection in something") in lines
    assert lines[-1].startswith("dependency audit FAILED: 1 known vulnerability.")


def test_an_accepted_vulnerability_passes_by_any_of_its_ids_and_says_why():
    result = audit.audit_python(PINS, pip_audit_report(django=[DJANGO_VULN]))
    accepted = audit.read_ignore("# comment\n\nCVE-2099-0001  we never call it (decided 2026-11-30)\n")
    code, lines = run([result], accepted)
    assert code == 0
    assert any(line.startswith("  accepted (we never call it (decided 2026-11-30)): python django") for line in lines)


def test_an_acceptance_without_a_reason_is_refused():
    with pytest.raises(audit.BadIgnoreFile, match="line 2: GHSA-aaaa-bbbb-cccc has no reason"):
        audit.read_ignore("# comment\nGHSA-aaaa-bbbb-cccc\n")


def test_the_shipped_ignore_file_is_valid():
    assert audit.read_ignore(audit.IGNORE.read_text(encoding="utf-8")) == {}


def test_without_per_release_answers_a_package_at_its_latest_release_is_audited_from_the_projects_answer():
    answers = {
        "django": {"info": {"version": "6.1.3"}, "vulnerabilities": []},  # locked behind: cannot be audited
        "nh3": {"info": {"version": "0.3.8"}, "vulnerabilities": [
            {"id": "GHSA-1111-2222-3333", "aliases": [], "fixed_in": [], "summary": "XSS", "withdrawn": None},
            {"id": "GHSA-9999-9999-9999", "aliases": [], "fixed_in": [], "withdrawn": "2026-01-01"},
        ]},
    }
    result = audit.audit_python(PINS, all_skipped(), fetch=answers.__getitem__)
    code, lines = run([result])
    assert code == 1  # nh3's vulnerability, found through the project's answer; the withdrawn one is not counted
    assert "python: 1 locked package(s) audited, 1 known vulnerability" in lines
    assert "  VULNERABLE python nh3 0.3.8: GHSA-1111-2222-3333; no fixed version yet: XSS" in lines
    skipped = [line for line in lines if line.startswith("vulnerability audit skipped: python:")]
    assert len(skipped) == 1 and skipped[0].endswith("django 5.2.19 (latest 6.1.3)")


def test_an_unreachable_vulnerability_service_is_said_out_loud_and_does_not_fail():
    def offline(name):
        raise urllib.error.URLError("Connection refused")

    result = audit.audit_python(PINS, None, fetch=offline)  # pip-audit itself failed too
    code, lines = run([result])
    assert code == 0
    assert "python: 0 locked package(s) audited, 0 known vulnerabilities" in lines
    assert any(line.startswith("vulnerability audit skipped: python: PyPI's vulnerability data could not be "
                               "fetched for 2 package(s): django 5.2.19 (URLError: Connection refused)")
               for line in lines)


NPM_LOCK = {"packages": {"": {"name": "chuxin-assets"}, "node_modules/htmx.org": {"version": "2.0.11"},
                         "node_modules/bootstrap": {"version": "5.3.8"}}}


def test_npm_audit_refused_by_the_registry_is_said_out_loud():
    refused = '{"message": "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk"}'
    code, lines = run([audit.audit_npm(NPM_LOCK, 1, refused)])
    assert code == 0
    assert lines[-1] == ("vulnerability audit skipped: npm: the registry's audit service did not answer (405 Method "
                         "Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk); 2 locked "
                         "package(s) not audited")


def test_npm_audit_findings_fail_the_audit():
    found = """{"vulnerabilities": {"htmx.org": {"name": "htmx.org", "severity": "high", "via": [
        {"source": 1234, "name": "htmx.org", "title": "XSS in hx-on", "url": "https://github.com/advisories/GHSA-xxxx-yyyy-zzzz",
         "severity": "high", "range": "<2.0.12"}], "fixAvailable": {"name": "htmx.org", "version": "2.0.12"}}},
        "metadata": {}}"""
    code, lines = run([audit.audit_npm(NPM_LOCK, 1, found)])
    assert code == 1
    assert "  VULNERABLE npm htmx.org 2.0.11: GHSA-xxxx-yyyy-zzzz; fixed in 2.0.12: XSS in hx-on (high, <2.0.12)" in lines
