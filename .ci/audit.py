"""Audit the locked dependencies against the vulnerability data this network can reach.

    .venv/bin/python .ci/audit.py          (run by .ci/run; needs only the project's venv and npm)

Python, requirements.lock: pip-audit with its PyPI service, which reads the `vulnerabilities` PyPI's JSON API
gives each release (/pypi/<name>/<version>/json). Where that per-release answer cannot be had (this network
reaches PyPI through a proxy that serves /pypi/<name>/json but not the per-release address), the project's answer
is used instead: it lists the vulnerabilities of the project's latest release, so it audits a package locked at
its latest release and says nothing about one locked behind it, which is then named as not audited.

npm, package-lock.json: `npm audit` against the registry's advisory service.

A known vulnerability fails the run (exit 1) unless `.ci/audit-ignore` accepts it: one line per vulnerability,
its id (or any of its aliases: PYSEC-..., GHSA-..., CVE-...) then the reason it is accepted. A line without a
reason is an error (exit 2). What could not be audited is printed on a line beginning
"vulnerability audit skipped:" and does not fail the run: nothing here can make an unreachable service answer.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
IGNORE = ROOT / ".ci" / "audit-ignore"
PYPI_PROJECT = "https://pypi.org/pypi/{name}/json"
TIMEOUT = 30


@dataclass
class Finding:
    ecosystem: str
    package: str
    version: str
    id: str
    aliases: list[str] = field(default_factory=list)
    fixed_in: list[str] = field(default_factory=list)
    summary: str = ""

    @property
    def ids(self) -> set[str]:
        return {self.id, *self.aliases}

    def line(self) -> str:
        also = f" ({', '.join(self.aliases)})" if self.aliases else ""
        fix = f"; fixed in {', '.join(self.fixed_in)}" if self.fixed_in else "; no fixed version yet"
        summary = f": {self.summary}" if self.summary else ""
        return f"{self.ecosystem} {self.package} {self.version}: {self.id}{also}{fix}{summary}"


@dataclass
class Result:
    ecosystem: str
    audited: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one reason per line


class BadIgnoreFile(Exception):
    pass


def read_ignore(text: str) -> dict[str, str]:
    """id -> reason. Blank lines and lines starting with # are comments."""
    accepted = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 1)
        if len(parts) < 2 or not parts[1].strip():
            raise BadIgnoreFile(f"{IGNORE.name} line {number}: {parts[0]} has no reason; say why it is accepted")
        accepted[parts[0]] = parts[1].strip()
    return accepted


def locked_pins(text: str) -> dict[str, str]:
    return {name.lower(): version for name, version in re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, re.M)}


# ---------------------------------------------------------------------------------------------------------------
# Python


def run_pip_audit() -> dict | None:
    """pip-audit's JSON report for the lock (pinned, so no resolution and no pip run), or None if it failed."""
    command = [sys.executable, "-m", "pip_audit", "--vulnerability-service", "pypi", "--requirement", str(LOCK),
               "--no-deps", "--disable-pip", "--progress-spinner", "off", "--format", "json",
               "--timeout", str(TIMEOUT)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired):
        return None
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        return None


def fetch_project(name: str) -> dict:
    request = urllib.request.Request(PYPI_PROJECT.format(name=name), headers={"Accept": "application/json"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - a fixed https address
        return json.load(response)


def audit_python(pins: dict[str, str], report: dict | None,
                 fetch: Callable[[str], dict] = fetch_project) -> Result:
    result = Result("python")
    left = dict(pins)  # not yet audited
    for dependency in (report or {}).get("dependencies", []):
        name = dependency.get("name", "").lower()
        if name not in left or dependency.get("skip_reason"):
            continue
        version = left.pop(name)
        result.audited.append(name)
        for vuln in dependency.get("vulns", []):
            result.findings.append(Finding("python", name, version, vuln["id"], list(vuln.get("aliases", [])),
                                           list(vuln.get("fix_versions", [])), vuln.get("description", "")[:160]))
    if not left:
        return result

    # The per-release answers were not had: the project's answer covers a package locked at its latest release.
    def project(name: str) -> tuple[str, dict | str]:
        try:
            return name, fetch(name)
        except (urllib.error.URLError, OSError, ValueError) as error:
            return name, f"{error.__class__.__name__}: {getattr(error, 'reason', error)}"

    behind, unreachable = [], []
    with ThreadPoolExecutor(8) as pool:
        for name, answer in pool.map(project, sorted(left)):
            version = left[name]
            if isinstance(answer, str):
                unreachable.append(f"{name} {version} ({answer})")
                continue
            latest = answer.get("info", {}).get("version")
            if latest != version or not isinstance(answer.get("vulnerabilities"), list):
                behind.append(f"{name} {version} (latest {latest})")
                continue
            result.audited.append(name)
            for vuln in answer["vulnerabilities"]:
                if vuln.get("withdrawn"):
                    continue
                result.findings.append(Finding("python", name, version, vuln["id"], list(vuln.get("aliases") or []),
                                               list(vuln.get("fixed_in") or []),
                                               (vuln.get("summary") or vuln.get("details") or "")[:160]))
    if behind:
        result.skipped.append(
            f"python: {len(behind)} locked package(s) not audited: PyPI's per-release vulnerability data "
            f"(/pypi/<name>/<version>/json) is not reachable from here, and the project's answer covers only its "
            f"latest release: {', '.join(behind)}")
    if unreachable:
        result.skipped.append(f"python: PyPI's vulnerability data could not be fetched for {len(unreachable)} "
                              f"package(s): {', '.join(unreachable)}")
    return result


# ---------------------------------------------------------------------------------------------------------------
# npm


def run_npm_audit() -> tuple[int | None, str]:
    try:
        done = subprocess.run(["npm", "audit", "--json", "--package-lock-only"], cwd=ROOT,  # noqa: S607
                              capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, str(error)
    return done.returncode, done.stdout


def audit_npm(lock: dict, returncode: int | None, output: str) -> Result:
    result = Result("npm")
    packages = {path.rsplit("node_modules/", 1)[-1]: info.get("version", "")
                for path, info in lock.get("packages", {}).items() if path}
    try:
        answer = json.loads(output) if output else {}
    except json.JSONDecodeError:
        answer = {}
    if returncode is None or "vulnerabilities" not in answer:
        why = (answer.get("message") or output or "no answer").strip().splitlines()[0][:200]
        result.skipped.append(f"npm: the registry's audit service did not answer ({why}); "
                              f"{len(packages)} locked package(s) not audited")
        return result
    result.audited = sorted(packages)
    for name, entry in answer["vulnerabilities"].items():
        for via in entry.get("via", []):
            if not isinstance(via, dict):  # a package that is vulnerable through another: listed under that one
                continue
            url = via.get("url", "")
            ident = url.rstrip("/").rsplit("/", 1)[-1] if url else str(via.get("source", "?"))
            fixed = entry.get("fixAvailable")
            fixed_in = [fixed["version"]] if isinstance(fixed, dict) and fixed.get("name") == name else []
            result.findings.append(Finding("npm", name, packages.get(name, ""), ident, [], fixed_in,
                                           f"{via.get('title', '')} ({via.get('severity', '')}, {via.get('range', '')})"))
    return result


# ---------------------------------------------------------------------------------------------------------------


def report(results: list[Result], accepted: dict[str, str], out=print) -> int:
    failing = []
    for result in results:
        found = len(result.findings)
        out(f"{result.ecosystem}: {len(result.audited)} locked package(s) audited, "
            f"{found} known vulnerabilit{'y' if found == 1 else 'ies'}")
        for reason in result.skipped:
            out(f"vulnerability audit skipped: {reason}")
        for finding in result.findings:
            reason = next((accepted[i] for i in sorted(finding.ids) if i in accepted), None)
            if reason:
                out(f"  accepted ({reason}): {finding.line()}")
            else:
                out(f"  VULNERABLE {finding.line()}")
                failing.append(finding)
    if failing:
        out(f"dependency audit FAILED: {len(failing)} known vulnerabilit{'y' if len(failing) == 1 else 'ies'}. "
            f"Upgrade (then update requirements.lock or package-lock.json), or accept one in .ci/audit-ignore: "
            f"its id, then the reason.")
        return 1
    return 0


def main() -> int:
    try:
        accepted = read_ignore(IGNORE.read_text(encoding="utf-8") if IGNORE.exists() else "")
    except BadIgnoreFile as error:
        print(f"dependency audit: {error}")
        return 2
    pins = locked_pins(LOCK.read_text(encoding="utf-8"))
    python = audit_python(pins, run_pip_audit())
    npm_lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    npm = audit_npm(npm_lock, *run_npm_audit())
    return report([python, npm], accepted)


if __name__ == "__main__":
    sys.exit(main())
