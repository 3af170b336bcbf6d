"""Metadata for the bundled offline demo history (files live in static/demo/)."""

from typing import Any

DEMO_IMAGES: tuple[dict[str, Any], ...] = (
    {
        "file": "demo/img-01.svg",
        "prompt": (
            "Layered mountain ridges fading into dusk haze, a pale peach sun sinking behind "
            "the far peaks, thin wisps of cloud, indigo to coral gradient sky, "
            "atmospheric perspective, calm minimalist landscape"
        ),
        "model": "flux-1-dev",
        "settings": {
            "model": "flux-1-dev",
            "style": "minimalist",
            "resolution": "1344x768",
            "shotSize": "extreme wide shot",
            "seed": 1849203377,
            "batchSize": 4,
        },
    },
    {
        "file": "demo/img-02.svg",
        "prompt": (
            "Abstract aura gradient of hot magenta, electric violet and molten amber light "
            "melting into a dark indigo corner, a translucent glass sphere floating in the "
            "center, soft focus, subtle film grain"
        ),
        "model": "midjourney-v7",
        "settings": {
            "model": "midjourney-v7",
            "style": "abstract",
            "resolution": "1024x1024",
            "shotSize": "close-up",
            "seed": 402917785,
            "batchSize": 4,
        },
    },
    {
        "file": "demo/img-03.svg",
        "prompt": (
            "Bauhaus geometric poster, grid of tiles with quarter circles, half discs, "
            "triangles and stripes in terracotta, slate navy, sage green and mustard on "
            "cream paper, one overlapping translucent circle, risograph texture"
        ),
        "model": "sdxl-1.0",
        "settings": {
            "model": "sdxl-1.0",
            "style": "bauhaus",
            "resolution": "1024x1024",
            "shotSize": "medium shot",
            "seed": 3310598421,
            "batchSize": 2,
        },
    },
    {
        "file": "demo/img-04.svg",
        "prompt": (
            "A pale golden sun hanging over a deep blue ocean, gentle layered swells rolling "
            "toward the viewer, a glittering path of reflected light on the water, cobalt "
            "sky fading to pale cyan at the horizon"
        ),
        "model": "imagen-4",
        "settings": {
            "model": "imagen-4",
            "style": "flat illustration",
            "resolution": "1024x1024",
            "shotSize": "wide shot",
            "seed": 77120934,
            "batchSize": 1,
        },
    },
    {
        "file": "demo/img-05.svg",
        "prompt": (
            "Misty pine forest at dawn, rows of conifer silhouettes receding into soft sage "
            "green fog, a faint sun glowing through the haze, dark evergreens in the "
            "foreground, quiet and serene, vertical composition"
        ),
        "model": "stable-diffusion-3.5-large",
        "settings": {
            "model": "stable-diffusion-3.5-large",
            "style": "cinematic",
            "resolution": "768x1344",
            "shotSize": "wide shot",
            "seed": 2581046613,
            "batchSize": 4,
        },
    },
    {
        "file": "demo/img-06.svg",
        "prompt": (
            "A luminous lavender gas giant with thin tilted rings, drifting through a violet "
            "nebula sprinkled with tiny stars, soft rim light, retro sci-fi book cover"
        ),
        "model": "flux-1.1-pro",
        "settings": {
            "model": "flux-1.1-pro",
            "style": "digital art",
            "resolution": "1024x1024",
            "shotSize": "medium shot",
            "seed": 918273645,
            "batchSize": 2,
        },
    },
    {
        "file": "demo/img-07.svg",
        "prompt": (
            "Flowing strands of copper and gold light folding like silk ribbons across a "
            "deep plum background, generative line art, long exposure light painting, "
            "elegant and minimal"
        ),
        "model": "midjourney-v7",
        "settings": {
            "model": "midjourney-v7",
            "style": "line art",
            "resolution": "1024x1024",
            "shotSize": "close-up",
            "seed": 1203948576,
            "batchSize": 4,
        },
    },
    {
        "file": "demo/img-08.svg",
        "prompt": (
            "Rolling sand dunes at golden hour under an enormous cream colored sun, apricot "
            "and tangerine sky, warm terracotta shadows in the foreground, Sahara, soft "
            "gradients, peaceful desert panorama"
        ),
        "model": "imagen-4",
        "settings": {
            "model": "imagen-4",
            "style": "photorealistic",
            "resolution": "1344x768",
            "shotSize": "extreme wide shot",
            "seed": 640251198,
            "batchSize": 1,
        },
    },
    {
        "file": "demo/img-09.svg",
        "prompt": (
            "Surreal pastel pink room with a tall arched doorway opening onto a coral sun "
            "setting over a lavender sea, a glossy purple sphere resting on the floor, warm "
            "light spilling through the arch, dreamy 3D render"
        ),
        "model": "flux-1-dev",
        "settings": {
            "model": "flux-1-dev",
            "style": "3d render",
            "resolution": "768x1344",
            "shotSize": "medium shot",
            "seed": 2750019384,
            "batchSize": 2,
        },
    },
    {
        "file": "demo/img-10.svg",
        "prompt": (
            "Retro synthwave sunset, a huge striped orange sun sinking behind violet "
            "mountains, neon magenta perspective grid stretching to the horizon, starry "
            "indigo sky, 1980s outrun album cover"
        ),
        "model": "sdxl-1.0",
        "settings": {
            "model": "sdxl-1.0",
            "style": "synthwave",
            "resolution": "1024x1024",
            "shotSize": "wide shot",
            "seed": 1984061123,
            "batchSize": 4,
        },
    },
    {
        "file": "demo/img-11.svg",
        "prompt": (
            "Low poly crystalline surface in shades of glacier blue and frosted white, "
            "faceted triangles catching cold light from the upper corner, clean geometric "
            "wallpaper"
        ),
        "model": "stable-diffusion-3.5-large",
        "settings": {
            "model": "stable-diffusion-3.5-large",
            "style": "low poly",
            "resolution": "1024x1024",
            "shotSize": "close-up",
            "seed": 355771209,
            "batchSize": 1,
        },
    },
    {
        "file": "demo/img-12.svg",
        "prompt": (
            "Green aurora borealis rippling above a dark mountain ridge, perfectly mirrored "
            "in a still arctic lake, faint stars, long exposure night photography, "
            "cinematic widescreen"
        ),
        "model": "imagen-4",
        "settings": {
            "model": "imagen-4",
            "style": "cinematic",
            "resolution": "1344x768",
            "shotSize": "extreme wide shot",
            "seed": 4012837765,
            "batchSize": 2,
        },
    },
    {
        "file": "demo/img-13.svg",
        "prompt": (
            "Soft pastel aura gradient, blush pink, peach and coral blooms blending into "
            "lilac haze, a barely visible glass orb, airy and dreamy phone wallpaper with "
            "fine grain"
        ),
        "model": "midjourney-v7",
        "settings": {
            "model": "midjourney-v7",
            "style": "abstract",
            "resolution": "768x1344",
            "shotSize": "close-up",
            "seed": 871120456,
            "batchSize": 4,
        },
    },
    {
        "file": "demo/img-14.svg",
        "prompt": (
            "Icy blue mountain ranges stacked in layers under a bright white moon, thin "
            "streaks of cloud across a steel blue sky, cold alpine night, paper cut "
            "illustration with depth"
        ),
        "model": "flux-1-dev",
        "settings": {
            "model": "flux-1-dev",
            "style": "paper cut",
            "resolution": "1024x1024",
            "shotSize": "wide shot",
            "seed": 126049983,
            "batchSize": 2,
        },
    },
    {
        "file": "demo/img-15.svg",
        "prompt": (
            "Sunset over a calm purple sea, a soft peach sun just above the horizon with a "
            "shimmering reflection, violet sky glowing coral near the water, gentle waves, "
            "nostalgic and quiet"
        ),
        "model": "sdxl-1.0",
        "settings": {
            "model": "sdxl-1.0",
            "style": "watercolor",
            "resolution": "1344x768",
            "shotSize": "wide shot",
            "seed": 2290174650,
            "batchSize": 4,
        },
    },
    {
        "file": "demo/img-16.svg",
        "prompt": (
            "Mid-century modern geometric pattern, bold semicircles, rings and triangles in "
            "mustard yellow, charcoal, slate blue, terracotta and sage on off-white, "
            "Scandinavian print design"
        ),
        "model": "flux-1.1-pro",
        "settings": {
            "model": "flux-1.1-pro",
            "style": "bauhaus",
            "resolution": "1024x1024",
            "shotSize": "medium shot",
            "seed": 508813472,
            "batchSize": 1,
        },
    },
    {
        "file": "demo/img-17.svg",
        "prompt": (
            "Fine golden contour lines bending around an invisible lens on a midnight navy "
            "background, topographic wave interference, generative art, elegant vertical "
            "poster"
        ),
        "model": "stable-diffusion-3.5-large",
        "settings": {
            "model": "stable-diffusion-3.5-large",
            "style": "line art",
            "resolution": "768x1344",
            "shotSize": "close-up",
            "seed": 3777041190,
            "batchSize": 2,
        },
    },
    {
        "file": "demo/img-18.svg",
        "prompt": (
            "A glowing orange ringed planet with a small golden moon, crimson and maroon "
            "nebula clouds, scattered stars, vintage space age illustration, warm cinematic "
            "lighting"
        ),
        "model": "midjourney-v7",
        "settings": {
            "model": "midjourney-v7",
            "style": "retro sci-fi",
            "resolution": "1024x1024",
            "shotSize": "medium shot",
            "seed": 65590321,
            "batchSize": 4,
        },
    },
    {
        "file": "demo/img-19.svg",
        "prompt": (
            "Purple misty forest at first light, endless rows of pine silhouettes fading "
            "into lavender fog, a pale moon low in the sky, layered depth, calm panoramic "
            "landscape"
        ),
        "model": "flux-1-dev",
        "settings": {
            "model": "flux-1-dev",
            "style": "cinematic",
            "resolution": "1344x768",
            "shotSize": "extreme wide shot",
            "seed": 1422903318,
            "batchSize": 2,
        },
    },
    {
        "file": "demo/img-20.svg",
        "prompt": (
            "Low poly abstract background shifting from dusky plum purple at the top to "
            "warm peach and apricot at the bottom, faceted triangles, soft diagonal light"
        ),
        "model": "sdxl-1.0",
        "settings": {
            "model": "sdxl-1.0",
            "style": "low poly",
            "resolution": "1024x1024",
            "shotSize": "close-up",
            "seed": 2968405127,
            "batchSize": 1,
        },
    },
    {
        "file": "demo/img-21.svg",
        "prompt": (
            "Minimal mint green room with a rounded archway framing a coral sun over a teal "
            "sea, pastel sky, an emerald glass sphere on a pale floor, soft shadows, "
            "surreal architecture, Octane render"
        ),
        "model": "imagen-4",
        "settings": {
            "model": "imagen-4",
            "style": "3d render",
            "resolution": "1024x1024",
            "shotSize": "medium shot",
            "seed": 731664092,
            "batchSize": 2,
        },
    },
    {
        "file": "demo/img-22.svg",
        "prompt": (
            "Violet sand dunes at twilight under a huge pale moon, smooth curving ridges in "
            "lilac and deep purple, soft glow on the horizon, otherworldly desert"
        ),
        "model": "flux-1.1-pro",
        "settings": {
            "model": "flux-1.1-pro",
            "style": "digital art",
            "resolution": "1024x1024",
            "shotSize": "wide shot",
            "seed": 3150048721,
            "batchSize": 4,
        },
    },
    {
        "file": "demo/img-23.svg",
        "prompt": (
            "Outrun style sunset in crimson and gold, a banded sun sitting on dark mountain "
            "ridges, glowing orange grid floor, scattered stars, wide retro poster"
        ),
        "model": "midjourney-v7",
        "settings": {
            "model": "midjourney-v7",
            "style": "synthwave",
            "resolution": "1344x768",
            "shotSize": "wide shot",
            "seed": 845532970,
            "batchSize": 4,
        },
    },
    {
        "file": "demo/img-24.svg",
        "prompt": (
            "Pink and cyan aurora dancing over a small mountain range, reflected in a "
            "glassy lake at night, deep purple starry sky, vertical phone wallpaper, anime "
            "background art"
        ),
        "model": "stable-diffusion-3.5-large",
        "settings": {
            "model": "stable-diffusion-3.5-large",
            "style": "anime",
            "resolution": "768x1344",
            "shotSize": "wide shot",
            "seed": 2093385517,
            "batchSize": 2,
        },
    },
)

DEMO_VIDEOS: tuple[dict[str, Any], ...] = (
    {
        "file": "demo/video-01.mp4",
        "poster": "demo/video-01-poster.svg",
        "prompt": (
            "Endless zoom into a fractal coastline, molten amber and gold filaments curling "
            "into seahorse spirals against a pitch black void, smooth continuous camera "
            "push-in"
        ),
        "model": "veo-3",
        "settings": {
            "model": "veo-3",
            "style": "abstract",
            "resolution": "1280x720",
            "shotSize": "extreme close-up",
            "duration": 4,
            "frameRate": 24,
            "seed": 1600342871,
        },
    },
    {
        "file": "demo/video-02.mp4",
        "poster": "demo/video-02-poster.svg",
        "prompt": (
            "Bioluminescent cell colonies multiplying under a microscope, neon cyan cells "
            "leaving magenta afterglow trails on a deep violet background, timelapse"
        ),
        "model": "kling-2.1",
        "settings": {
            "model": "kling-2.1",
            "style": "scientific",
            "resolution": "1280x720",
            "shotSize": "close-up",
            "duration": 4,
            "frameRate": 24,
            "seed": 38815027,
        },
    },
    {
        "file": "demo/video-03.mp4",
        "poster": "demo/video-03-poster.svg",
        "prompt": (
            "Slow drifting light through sheer silk, tangerine, peach, orchid and indigo "
            "bands gliding across the frame, soft vignette, calm ambient loop"
        ),
        "model": "runway-gen4",
        "settings": {
            "model": "runway-gen4",
            "style": "cinematic",
            "resolution": "1280x720",
            "shotSize": "close-up",
            "duration": 4,
            "frameRate": 24,
            "seed": 2207719364,
        },
    },
    {
        "file": "demo/video-04.mp4",
        "poster": "demo/video-04-poster.svg",
        "prompt": (
            "Liquid plasma swirling like a lava lamp, pools of hot magenta and electric "
            "blue merging and separating, vaporwave, seamless loop"
        ),
        "model": "wan-2.2",
        "settings": {
            "model": "wan-2.2",
            "style": "vaporwave",
            "resolution": "1280x720",
            "shotSize": "extreme close-up",
            "duration": 4,
            "frameRate": 24,
            "seed": 912004587,
        },
    },
    {
        "file": "demo/video-05.mp4",
        "poster": "demo/video-05-poster.svg",
        "prompt": (
            "Golden Sierpinski triangles unfolding and scrolling upward on a deep navy "
            "background, cellular automaton pattern, mathematical motion graphics"
        ),
        "model": "runway-gen4",
        "settings": {
            "model": "runway-gen4",
            "style": "motion graphics",
            "resolution": "1280x720",
            "shotSize": "medium shot",
            "duration": 4,
            "frameRate": 24,
            "seed": 3490017256,
        },
    },
    {
        "file": "demo/video-06.mp4",
        "poster": "demo/video-06-poster.svg",
        "prompt": (
            "Aurora borealis rippling in green and violet curtains over a dark mountain "
            "ridge, twinkling stars, night sky timelapse, static wide camera"
        ),
        "model": "veo-3",
        "settings": {
            "model": "veo-3",
            "style": "photorealistic",
            "resolution": "1280x720",
            "shotSize": "wide shot",
            "duration": 4,
            "frameRate": 24,
            "seed": 1175530942,
        },
    },
)
