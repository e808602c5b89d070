#!/usr/bin/env bash
# System libraries a real Qt window needs (xcb platform) plus Xvfb for headless screenshots.
# fonts-wqy-zenhei: a TrueType CJK font for Chinese file / class names in the window, exported
# images and PDF reports.
# mosquitto: the MQTT broker tests/test_line_outputs.py starts (line mode's MQTT output).
# Debian/Ubuntu; needs root. Safe to re-run.
set -euo pipefail
pkgs="xvfb libxcb-icccm4 libxcb-cursor0 libxkbcommon-x11-0 libxcb-image0 libxcb-keysyms1
  libxcb-render-util0 libxcb-xinerama0 libxcb-shape0 libxcb-randr0 libxcb-xfixes0 libxcb-xkb1
  libegl1 libgl1 libfontconfig1 libdbus-1-3 fonts-dejavu-core fonts-wqy-zenhei mosquitto"
missing=""
for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
