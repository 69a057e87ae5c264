#!/usr/bin/env python3
"""Checks what `mvn -P release verify` built, as Maven Central would take it, and prints each
published artifact's size. Run from the repository root after that build; exits 1 on a problem.

Checked: every published module has its jar with sources and javadoc jars beside it (the BOM and the
parent are POMs only); a library jar holds Tether's own classes only (nothing shaded in); every entry
carries the build's fixed timestamp (project.build.outputTimestamp, for reproducible builds); the
POMs name a licence and the SCM; the CLI jar (tether-app/target/tether.jar) exists apart from them.
"""
import datetime
import re
import sys
import zipfile
from pathlib import Path

VERSION = re.search(r"<version>([^<]+)</version>", Path("pom.xml").read_text()).group(1)
LIBRARIES = ["tether-core", "tether-netty", "tether-server", "tether-redis", "tether-client",
             "tether-testkit", "tether-spring-boot-starter"]
POMS = {"tether-parent": Path("pom.xml"), "tether-bom": Path("tether-bom/pom.xml")}
TIMESTAMP = re.search(r"<project.build.outputTimestamp>([^<]+)<",
                      Path("pom.xml").read_text()).group(1)

problems = []
rows = []


def check_jar(path, own_classes_only):
    if not path.is_file():
        problems.append(f"missing {path}")
        return
    stamp = datetime.datetime.fromisoformat(TIMESTAMP.replace("Z", "+00:00"))
    with zipfile.ZipFile(path) as jar:
        for entry in jar.infolist():
            if own_classes_only and entry.filename.endswith(".class") and not (
                    entry.filename.startswith("io/tether/") or entry.filename == "module-info.class"
                    or entry.filename.startswith("META-INF/versions/")):
                problems.append(f"{path}: holds a class that is not Tether's: {entry.filename}")
                break
            if path.name.endswith("-javadoc.jar") and "/internal/" in entry.filename:
                problems.append(f"{path}: documents an internal package: {entry.filename}")
                break
            # Zip times are local and 2-second grained; the date is what reproducibility needs.
            if datetime.date(*entry.date_time[:3]) != stamp.date():
                problems.append(f"{path}: {entry.filename} is dated {entry.date_time}, not {TIMESTAMP}")
                break
    rows.append((path.name, path.stat().st_size))


for module in LIBRARIES:
    target = Path(module) / "target"
    check_jar(target / f"{module}-{VERSION}.jar", own_classes_only=True)
    check_jar(target / f"{module}-{VERSION}-sources.jar", own_classes_only=False)
    check_jar(target / f"{module}-{VERSION}-javadoc.jar", own_classes_only=False)

parent = Path("pom.xml").read_text()
for name, pom in POMS.items():
    text = pom.read_text()
    for needed in ("<licenses>", "<scm>", "<url>", "<developers>", "<description>"):
        if needed not in text:
            problems.append(f"{pom} ({name}) has no {needed}")
    rows.append((f"{name}-{VERSION}.pom", pom.stat().st_size))

# The BOM names every published module, and the Netty and Lettuce versions the parent builds with.
bom = POMS["tether-bom"].read_text()
for module in LIBRARIES:
    if f"<artifactId>{module}</artifactId>" not in bom:
        problems.append(f"tether-bom does not list {module}")
for prop, artifact in (("netty.version", "netty-bom"), ("lettuce.version", "lettuce-core")):
    wanted = re.search(rf"<{prop}>([^<]+)</{prop}>", parent).group(1)
    found = re.search(rf"<artifactId>{artifact}</artifactId>\s*<version>([^<]+)</version>", bom)
    if not found or found.group(1) != wanted:
        problems.append(f"tether-bom's {artifact} is {found.group(1) if found else 'missing'}, the build's {prop} is {wanted}")

cli = Path("tether-app/target/tether.jar")
if not cli.is_file():
    problems.append(f"missing the CLI jar {cli}")

width = max(len(n) for n, _ in rows)
print("published artifacts (signing left to the release job):")
for name, size in rows:
    print(f"  {name:<{width}}  {size / 1024:8.1f} KiB")
if cli.is_file():
    print(f"not published: {cli} {cli.stat().st_size / 1024 / 1024:.1f} MiB (the shaded CLI)")
for p in problems:
    print("check-release: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
