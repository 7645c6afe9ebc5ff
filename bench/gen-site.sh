#!/usr/bin/env bash
# gen-site.sh DIR N BASE_URL
#
# Writes a synthetic bilingual news site of N articles into DIR:
#   DIR/index.html            home page with section links
#   DIR/feed.xml              RSS 2.0 feed of all N articles (absolute URLs
#                             under BASE_URL, which must end without '/')
#   DIR/news/NNNNN.html       one article page each, with realistic noise
#                             (nav, share bar, related links, long footer)
#   DIR/images/NNNNN-{1,2}.*  two images per article (hard links to one JPEG
#                             and one PNG drawn once with the vips CLI)
#
# Every text here is made up for the benchmark; nothing is copied from a
# real site. Even articles are English, odd ones Chinese, and every article
# quotes a sentence of the other language, so both scripts are always mixed.
# Image paths are relative (../images/...) so the saved pages also work as
# local files for the offline step (octavo build DIR/news, pandoc).
set -euo pipefail

if [ $# -ne 3 ]; then
    echo "usage: $0 DIR N BASE_URL" >&2
    exit 2
fi
dir=$1
n=$2
base=$3
case $n in '' | *[!0-9]*) echo "gen-site: N must be a number" >&2; exit 2 ;; esac

rm -rf "$dir"
mkdir -p "$dir/news" "$dir/images"

# Two small images, made once (a grey gradient JPEG and PNG).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
vips xyz "$tmp/xyz.v" 480 300
vips extract_band "$tmp/xyz.v" "$tmp/band.v" 0
vips linear "$tmp/band.v" "$tmp/grey.v" 0.5 10 --uchar
vips bandjoin "$tmp/grey.v $tmp/grey.v $tmp/grey.v" "$tmp/rgb.v"
vips jpegsave "$tmp/rgb.v" "$dir/images/base.jpg" --Q 80 --strip
vips pngsave "$tmp/grey.v" "$dir/images/base.png" --strip

en=(
    "The city council approved a new budget for the harbour district on Tuesday after a long debate."
    "Residents said the new ferry timetable would shorten their morning commute by almost twenty minutes."
    "Officials expect the rebuilt library to open to the public before the end of the autumn term."
    "Local farmers reported a better rice harvest than last year, helped by a mild and steady rainy season."
    "The museum will display a collection of ceramic tea bowls that has never been shown outside the province."
    "Engineers are testing a tram line that links the old town with the new railway station."
    "A spokesperson for the hospital said the extended evening clinic hours had reduced waiting times."
    "Students from three schools joined a weekend project to plant trees along the river embankment."
)
zh=(
    "市议会周二经过长时间讨论，批准了港区的新预算。"
    "居民表示，新的渡轮时刻表将使他们早上的通勤时间缩短近二十分钟。"
    "官员预计，重建后的图书馆将在秋季学期结束前向公众开放。"
    "当地农民表示，今年的稻米收成比去年好，得益于温和而稳定的雨季。"
    "博物馆将展出一批从未在省外展出过的陶瓷茶碗。"
    "工程师正在测试一条连接老城区和新火车站的有轨电车线路。"
    "医院发言人说，延长晚间门诊时间缩短了候诊时间。"
    "来自三所学校的学生参加了周末活动，在河堤沿岸植树。"
)

noise_head() {
    cat <<'EOF'
<header class="site-header"><a class="logo" href="../index.html">Harbour Daily 港湾日报</a>
<nav class="main-nav"><ul><li><a href="../index.html">Home 首页</a></li><li><a href="../index.html#city">City 城市</a></li>
<li><a href="../index.html#business">Business 财经</a></li><li><a href="../index.html#culture">Culture 文化</a></li>
<li><a href="../index.html#sport">Sport 体育</a></li><li><a href="../index.html#opinion">Opinion 评论</a></li></ul></nav>
<form class="search" action="../index.html"><input type="text" name="q" placeholder="Search 搜索"/></form></header>
<div class="ad ad-top">Advertisement 广告</div>
EOF
}

noise_share() {
    cat <<'EOF'
<div class="share-bar">Share 分享: <a href="#" class="share-weibo">Weibo 微博</a> <a href="#" class="share-wechat">WeChat 微信</a>
<a href="#" class="share-mail">Email 邮件</a> <a href="#" class="share-print">Print 打印</a></div>
EOF
}

noise_tail() { # $1 = article number
    local i=$1 j k
    printf '<aside class="related"><h3>Related 相关新闻</h3><ul>\n'
    for k in 1 2 3 4 5; do
        j=$(( (i + k * 7) % n + 1 ))
        printf '<li><a href="%05d.html">Related story %d 相关报道 %d</a></li>\n' "$j" "$j" "$j"
    done
    printf '</ul></aside>\n<div class="comments">Comments are closed. 评论已关闭。</div>\n'
    cat <<'EOF'
<footer class="site-footer"><p>Harbour Daily 港湾日报 &#xB7; Fictional newspaper made for benchmarks.</p>
<p>Copyright &#xA9; Harbour Daily Media Group. All rights reserved. 版权所有，未经书面授权不得转载、摘编或利用其它方式使用本网站内容。
Reproduction of any content without written permission is prohibited. 本网站所刊登的各种新闻、信息和各种专题专栏资料，均为本网版权所有。
举报电话 Hotline: 000-0000000. 备案号 Registration: BENCH-0000.</p>
<ul class="footer-links"><li><a href="../index.html">About us 关于我们</a></li><li><a href="../index.html">Contact 联系我们</a></li>
<li><a href="../index.html">Advertise 广告服务</a></li><li><a href="../index.html">Privacy 隐私政策</a></li></ul></footer>
<script>window.benchTracker = {page: location.pathname};</script>
EOF
}

article() { # $1 = article number; writes the page on stdout
    local i=$1 p s title lang
    if (( i % 2 == 0 )); then
        lang=en
        title="Harbour report $i: ${en[i % 8]:0:40}..."
    else
        lang=zh-CN
        title="港湾报道第${i}期：${zh[i % 8]:0:12}"
    fi
    printf '<!DOCTYPE html>\n<html lang="%s"><head><meta charset="utf-8"/>\n' "$lang"
    printf '<title>%s - Harbour Daily</title>\n' "$title"
    printf '<meta name="author" content="Staff Reporter %d"/>\n' "$(( i % 17 ))"
    printf '<link rel="stylesheet" href="../site.css"/></head><body>\n'
    noise_head
    printf '<main><article class="article">\n<h1 class="headline">%s</h1>\n' "$title"
    printf '<p class="byline">By Staff Reporter %d 记者 &#xB7; 2026-11-%02d</p>\n' \
        "$(( i % 17 ))" "$(( i % 27 + 1 ))"
    noise_share
    printf '<div class="article-body">\n'
    printf '<figure><img src="../images/%05d-1.jpg" alt="Harbour view %d" width="480" height="300"/>\n' "$i" "$i"
    printf '<figcaption>Photo 图：the harbour at dawn 清晨的港湾 (%d)</figcaption></figure>\n' "$i"
    for p in 0 1 2 3 4 5 6 7; do
        s=$(( (i + p) % 8 ))
        if [ $lang = en ]; then
            printf '<p>%s %s %s</p>\n' "${en[s]}" "${en[(s + 3) % 8]}" "${en[(s + 5) % 8]}"
        else
            printf '<p>%s%s%s</p>\n' "${zh[s]}" "${zh[(s + 3) % 8]}" "${zh[(s + 5) % 8]}"
        fi
        if [ $p = 3 ]; then
            printf '<figure><img src="../images/%05d-2.png" alt="Chart %d" width="480" height="300"/>\n' "$i" "$i"
            printf '<figcaption>Chart 图表 %d</figcaption></figure>\n' "$i"
            printf '<div class="ad ad-inline">Advertisement 广告</div>\n'
        fi
    done
    if [ $lang = en ]; then
        printf '<blockquote lang="zh-CN"><p>%s</p></blockquote>\n' "${zh[i % 8]}"
    else
        printf '<blockquote lang="en"><p>%s</p></blockquote>\n' "${en[i % 8]}"
    fi
    printf '</div>\n</article></main>\n'
    noise_tail "$i"
    printf '</body></html>\n'
}

printf 'body{font-family:sans-serif}\n.ad,.share-bar{background:#eee}\n' >"$dir/site.css"

# Fixed base time so the feed is the same on every run of one size: one
# article per minute going back from the time of generation.
now=$(date -u +%s)

{
    printf '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>\n'
    printf '<title>Harbour Daily 港湾日报</title>\n<link>%s/index.html</link>\n' "$base"
    printf '<description>Synthetic news site for the octavo benchmark</description>\n'
    printf '<language>zh-CN</language>\n'
} >"$dir/feed.xml"

{
    printf '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"/><title>Harbour Daily 港湾日报</title>'
    printf '<link rel="alternate" type="application/rss+xml" href="feed.xml"/></head><body><ul>\n'
} >"$dir/index.html"

for (( i = 1; i <= n; i++ )); do
    name=$(printf '%05d' "$i")
    article "$i" >"$dir/news/$name.html"
    ln "$dir/images/base.jpg" "$dir/images/$name-1.jpg"
    ln "$dir/images/base.png" "$dir/images/$name-2.png"
    title=$(sed -n 's:^<h1 class="headline">\(.*\)</h1>$:\1:p' "$dir/news/$name.html")
    pub=$(date -u -R -d "@$(( now - i * 60 ))")
    printf '<item><title>%s</title><link>%s/news/%s.html</link><guid>%s/news/%s.html</guid><pubDate>%s</pubDate><description>%s</description></item>\n' \
        "$title" "$base" "$name" "$base" "$name" "$pub" "$title" >>"$dir/feed.xml"
    printf '<li><a href="news/%s.html">%s</a></li>\n' "$name" "$title" >>"$dir/index.html"
done

printf '</channel></rss>\n' >>"$dir/feed.xml"
printf '</ul></body></html>\n' >>"$dir/index.html"
