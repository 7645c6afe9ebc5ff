#!/usr/bin/env bash
# Regenerate the sample site's images with the vips CLI (Debian: libvips-tools,
# fonts-wqy-microhei). Every image is drawn here: gradients, noise and text.
set -euo pipefail
cd "$(dirname "$0")/images"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# photo W H R G B TEXT OUT: a tinted noisy gradient with a caption-like label
photo() {
  local SIGMA=${SIGMA:-5}
  local w=$1 h=$2 r=$3 g=$4 b=$5 text=$6 out=$7
  vips xyz "$tmp/xy.v" "$w" "$h"
  vips extract_band "$tmp/xy.v" "$tmp/x.v" 0
  vips linear "$tmp/x.v" "$tmp/ramp.v" "$(echo "scale=6; 160/$w" | bc)" 40 --uchar
  vips gaussnoise "$tmp/n.v" "$w" "$h" --sigma "${SIGMA:-5}" --mean 0
  vips add "$tmp/ramp.v" "$tmp/n.v" "$tmp/g.v"
  vips linear "$tmp/g.v" "$tmp/rr.v" "$(echo "scale=4; $r/128" | bc)" 0 --uchar
  vips linear "$tmp/g.v" "$tmp/gg.v" "$(echo "scale=4; $g/128" | bc)" 0 --uchar
  vips linear "$tmp/g.v" "$tmp/bb.v" "$(echo "scale=4; $b/128" | bc)" 0 --uchar
  vips bandjoin "$tmp/rr.v $tmp/gg.v $tmp/bb.v" "$tmp/rgb.v"
  vips text "$tmp/t.v" "$text" --font "WenQuanYi Micro Hei 28" --dpi 96
  vips embed "$tmp/t.v" "$tmp/te.v" 24 24 "$w" "$h"
  vips linear "$tmp/te.v" "$tmp/tl.v" 1 0 --uchar
  vips bandjoin "$tmp/tl.v $tmp/tl.v $tmp/tl.v" "$tmp/t3.v"
  vips add "$tmp/rgb.v" "$tmp/t3.v" "$tmp/sum.v"
  vips cast "$tmp/sum.v" "$tmp/final.v" uchar
  vips copy "$tmp/final.v" "$out"
}

photo 640 400 200 150 110 "江川大桥 Jiangchuan Bridge"        bridge.jpg[Q=72,strip]
photo 640 420 120 170 210 "防汛物资 Flood relief"            flood-relief.jpg[Q=72,strip]
photo 600 400 210 190 120 "稻田丰收 Harvest"                 harvest.jpg[Q=72,strip]
photo 560 380 150 200 160 "古镇茶馆 Teahouse"               teahouse.jpg[Q=72,strip]
photo 640 400 110 140 200 "Harbor at dawn"                    harbor-dawn.jpg[Q=72,strip]
photo 600 360 190 120 120 "Council chamber"                   council.jpg[Q=72,strip]
SIGMA=0 photo 480 320 130 200 130 "Ferry terminal plan" ferry-plan.png[compression=9]
SIGMA=0 photo 400 260 220 180 200 "书法课 Calligraphy" calligraphy.png[compression=9]
photo 560 360 170 150 210 "Lighthouse keeper"                 lighthouse.webp[Q=70]
photo 2400 1600 160 170 190 "Aerial view of the estuary"      estuary-large.jpg[Q=60,strip]
# a lazy-load placeholder of the kind news sites use
vips black "$tmp/p.v" 1 1
vips copy "$tmp/p.v" placeholder.gif
ls -l
