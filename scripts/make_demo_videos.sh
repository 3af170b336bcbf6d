#!/usr/bin/env bash
# Regenerate the six offline demo clips in static/demo/ (video-01.mp4 ... video-06.mp4).
#
# Only needed once; the generated files are committed and the app never calls ffmpeg.
# Requires ffmpeg with libx264 and the lavfi sources (Debian/Ubuntu: apt-get install -y ffmpeg).
# All sources are deterministic (fixed seeds), so reruns give visually identical clips.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/static/demo"
mkdir -p "$OUT"

# encode NAME SECONDS FILTERGRAPH [CRF]
# 640x360, 24 fps, H.264 yuv420p, no audio, moov atom up front for instant playback.
encode() {
  local name="$1" seconds="$2" graph="$3" crf="${4:-28}"
  ffmpeg -y -hide_banner -loglevel error -nostdin \
    -f lavfi -i "$graph" \
    -t "$seconds" -r 24 -an \
    -c:v libx264 -preset slow -crf "$crf" -profile:v high -pix_fmt yuv420p \
    -movflags +faststart -map_metadata -1 \
    "$OUT/$name"
  echo "wrote static/demo/$name ($(stat -c %s "$OUT/$name") bytes)"
}

# 01: molten fractal: Mandelbrot zoom into Seahorse Valley, gradient-mapped to amber/ember
#     on black. Rendered at 1280x720 and area-downscaled (supersampling kills aliasing
#     shimmer, which also keeps the file small).
encode video-01.mp4 4 "mandelbrot=s=1280x720:rate=24:start_x=-0.743643887037158:\
start_y=0.131825904205312:start_scale=0.08:end_scale=0.006:end_pts=96:inner=black:\
outer=normalized_iteration_count:maxiter=1024,hue=s=0,\
curves=r='0/0 0.3/0.8 0.6/1 1/1':g='0/0 0.3/0.22 0.6/0.7 1/1':b='0/0.04 0.3/0.18 0.6/0.35 1/0.85',\
scale=640:360:flags=area,gblur=sigma=0.7" 30

# 02: bioluminescent colony: Conway's Life with mould trails (cyan cells, magenta afterglow
#     on deep violet), big pixels softened into a glow.
encode video-02.mp4 4 "life=s=80x45:rate=6:mold=30:ratio=0.18:seed=11:\
life_color=#c8fff4:death_color=#ff3f8e:mold_color=#140426,\
scale=640:360:flags=neighbor,gblur=sigma=4,fps=24" 30

# 03: silk sunset: slowly drifting five-stop linear gradient (tangerine, peach, orchid,
#     indigo, coral) with a soft vignette.
encode video-03.mp4 4 "gradients=s=640x360:rate=24:type=linear:nb_colors=5:speed=0.015:seed=3:\
c0=#ff7b39:c1=#ffd3a0:c2=#c0369d:c3=#3a0ca3:c4=#ff5e78,vignette=angle=0.6"

# 04: synthwave plasma: classic sine-interference plasma in magenta / electric blue.
encode video-04.mp4 4 "nullsrc=s=320x180:r=24,geq=\
r='150+100*sin(X/23+T*1.3)*cos(Y/31-T*0.7)':\
g='40+40*sin((X+Y)/37+T*1.9)':\
b='170+85*cos(hypot(X-160,Y-90)/19-T*2.2)',\
scale=640:360:flags=bicubic"

# 05: golden lattice: elementary cellular automaton rule 90 from a single seed cell,
#     scrolling Sierpinski triangles in gold on navy.
encode video-05.mp4 4 "cellauto=s=320x180:rate=24:rule=90:pattern=1:scroll=1:start_full=1,\
scale=640:360:flags=neighbor,\
lutrgb=r='if(gt(val,128),255,14)':g='if(gt(val,128),196,40)':b='if(gt(val,128),88,58)'"

# 06: aurora over ridgeline: rippling green curtain with a violet upper fringe, twinkling
#     stars and a dark mountain silhouette; all computed per pixel with geq at 640x360
#     ld(4)=X/2, ld(5)=Y/2 keep the constants in a 320x180 design space.
#     ld(0)=green band, ld(1)=violet band, ld(2)=mountain mask (soft edge), ld(3)=star.
AURORA_VARS="st(4,X/2);st(5,Y/2);\
st(0,exp(-pow((ld(5)-74-18*sin(ld(4)/41+T*1.1)-8*sin(ld(4)/13-T*2))/15,2))*(0.55+0.45*sin(ld(4)/29+T*1.3)));\
st(1,exp(-pow((ld(5)-50-18*sin(ld(4)/41+T*1.1)-6*sin(ld(4)/17-T*1.5))/11,2))*(0.5+0.5*sin(ld(4)/37-T)));\
st(2,clip(Y-2*(136+11*sin(ld(4)/37)+7*sin(ld(4)/13+1)+3*sin(ld(4)/5.3)),0,2)/2);\
st(6,abs(sin(X*12.9898+Y*78.233)*43758.5453));\
st(3,gt(ld(6)-floor(ld(6)),0.997)*(0.6+0.4*sin(T*4+X)))"
encode video-06.mp4 4 "nullsrc=s=640x360:r=24,geq=\
r='${AURORA_VARS};(1-ld(2))*(8+ld(5)*0.1+40*ld(0)+150*ld(1)+210*ld(3))+ld(2)*5':\
g='${AURORA_VARS};(1-ld(2))*(12+ld(5)*0.18+215*ld(0)+40*ld(1)+210*ld(3))+ld(2)*9':\
b='${AURORA_VARS};(1-ld(2))*(38+ld(5)*0.22+120*ld(0)+200*ld(1)+210*ld(3))+ld(2)*18'"
