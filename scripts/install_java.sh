#!/usr/bin/env bash
# Java 17 for the Spark build's tests (pyspark starts a JVM): Debian's headless JRE, where `java` is missing.
set -euo pipefail
if command -v java >/dev/null 2>&1; then exit 0; fi
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
java -version
