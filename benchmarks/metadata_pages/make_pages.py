"""Writes the held-out style metadata pages: made-up pages in the shapes real sites use, each with the metadata
a careful reader would record (same conventions as the shared corpus: a shared og:title is kept as written,
the publisher is the name the site goes by). ``dev-*`` pages may be looked at when a rule fails; ``ho-*`` pages
are only ever scored (their score is the held-out estimate). Run once to (re)write the folders beside it."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def doc(head: str, body: str, lang: str = "en") -> str:
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n{head}\n</head>\n'
            f'<body>\n{body}\n</body>\n</html>\n')


NAV = ('<header class="site-header"><a class="logo" href="/"><img src="/static/logo.svg" alt="{site}"></a>'
       '<nav><a href="/news/">News</a> <a href="/reviews/">Reviews</a> <a href="/about/">About</a></nav></header>')
FOOT = '<footer><p>© {year} {owner}. All rights reserved.</p><p><a href="/privacy">Privacy</a></p></footer>'

PAGES: dict[str, tuple[str, str, dict]] = {}

# ------------------------------------------------------------------------------------------------ dev pages

PAGES["dev-wordpress-gear"] = (
    "https://www.slopesideblog.example/2023/11/review-atomic-maverick-95/",
    doc('<title>Review: Atomic Maverick 95 Ti &#8211; Slopeside</title>'
        '<meta name="description" content="A stiff, quiet all-mountain ski that rewards a strong skier.">'
        '<link rel="canonical" href="https://www.slopesideblog.example/2023/11/review-atomic-maverick-95/">'
        '<meta property="og:locale" content="en_US"><meta property="og:type" content="article">'
        '<meta property="og:title" content="Review: Atomic Maverick 95 Ti">'
        '<meta property="og:description" content="A stiff, quiet all-mountain ski that rewards a strong skier.">'
        '<meta property="og:url" content="https://www.slopesideblog.example/2023/11/review-atomic-maverick-95/">'
        '<meta property="og:site_name" content="Slopeside">'
        '<meta property="article:published_time" content="2023-11-14T09:12:44+00:00">'
        '<meta property="article:modified_time" content="2024-01-02T10:00:00+00:00">'
        '<meta property="og:image" content="https://www.slopesideblog.example/wp-content/uploads/2023/11/maverick.jpg">'
        '<meta name="author" content="Dana Whitfield">'
        '<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Dana Whitfield">',
        NAV.format(site="Slopeside") + '<article><h1 class="entry-title">Review: Atomic Maverick 95 Ti</h1>'
        '<div class="entry-meta">By <a href="/author/dana/">Dana Whitfield</a> · <time datetime="2023-11-14">November 14, 2023</time></div>'
        '<p>The Maverick is a ski for people who like to go fast on firm snow and do not mind working for it.</p></article>'
        + FOOT.format(year=2023, owner="Slopeside Media LLC")),
    {"title": "Review: Atomic Maverick 95 Ti", "author": "Dana Whitfield", "date": "2023-11-14", "publisher": "Slopeside",
     "description": "A stiff, quiet all-mountain ski that rewards a strong skier.",
     "canonical_url": "https://www.slopesideblog.example/2023/11/review-atomic-maverick-95/",
     "image": "https://www.slopesideblog.example/wp-content/uploads/2023/11/maverick.jpg", "lang": "en"},
)

PAGES["dev-cn-portal"] = (
    "http://finance.portal.example.cn/stock/2024-03-18/doc-inaqxyz1234.shtml",
    doc('<title>央行：保持流动性合理充裕_财经频道_新浪网</title>'
        '<meta name="keywords" content="央行,流动性"><meta name="description" content="中国人民银行表示，将继续保持流动性合理充裕。">'
        '<meta name="publishid" content="inaqxyz1234"><meta property="article:published_time" content="2024-03-18T10:21:00+08:00">'
        '<meta property="article:author" content="新浪财经">',
        '<div class="main-content"><h1 class="main-title">央行：保持流动性合理充裕</h1>'
        '<div class="date-source"><span class="date">2024年03月18日 10:21</span> <a class="source" href="/">新浪财经</a></div>'
        '<div class="article"><p>中国人民银行表示，将继续保持流动性合理充裕，引导金融机构加大对实体经济的支持。</p></div></div>', "zh-CN"),
    {"title": "央行：保持流动性合理充裕", "date": "2024-03-18", "description": "中国人民银行表示，将继续保持流动性合理充裕。",
     "lang": "zh"},
)

PAGES["dev-fandom-wiki"] = (
    "https://starwars.wikifarm.example/wiki/Millennium_Falcon",
    doc('<title>Millennium Falcon | Wookieepedia | Fandom</title>'
        '<meta name="description" content="The Millennium Falcon was a modified YT-1300 light freighter.">'
        '<meta property="og:type" content="article"><meta property="og:site_name" content="Wookieepedia">'
        '<meta property="og:title" content="Millennium Falcon">'
        '<meta property="og:image" content="https://static.wikifarm.example/starwars/images/falcon.png">'
        '<link rel="canonical" href="https://starwars.wikifarm.example/wiki/Millennium_Falcon">'
        + ld({"@context": "http://schema.org", "@type": "Article", "author": {"@type": "Organization", "name": "Wookieepedia Community"},
              "about": {"@type": "Thing", "name": "Millennium Falcon"}, "headline": "Millennium Falcon",
              "publisher": {"@type": "Organization", "name": "Fandom", "logo": {"@type": "ImageObject", "url": "https://static.wikifarm.example/logo.png"}}}),
        '<div class="page-header"><h1 class="page-header__title">Millennium Falcon</h1></div>'
        '<div class="mw-parser-output"><p>The <b>Millennium Falcon</b> was a modified YT-1300 light freighter.</p></div>'),
    {"title": "Millennium Falcon", "publisher": "Wookieepedia",
     "description": "The Millennium Falcon was a modified YT-1300 light freighter.",
     "canonical_url": "https://starwars.wikifarm.example/wiki/Millennium_Falcon",
     "image": "https://static.wikifarm.example/starwars/images/falcon.png", "lang": "en"},
)

PAGES["dev-magazine-publisher-author"] = (
    "https://www.circuitmag.example/story/best-e-readers/",
    doc('<title>The 6 Best E-Readers (2024): Kindle, Kobo, and More | CIRCUIT</title>'
        '<meta name="description" content="We tested the latest e-ink tablets to find the best one for every reader.">'
        '<meta name="author" content="Leah Hartman"><meta property="og:site_name" content="CIRCUIT">'
        '<meta property="og:title" content="The 6 Best E-Readers (2024): Kindle, Kobo, and More">'
        '<meta property="og:image" content="https://media.circuitmag.example/photos/ereaders.jpg">'
        '<link rel="canonical" href="https://www.circuitmag.example/story/best-e-readers/">'
        + ld({"@context": "http://schema.org", "@type": "NewsArticle", "headline": "The 6 Best E-Readers (2024): Kindle, Kobo, and More",
              "datePublished": "2024-02-03T12:00:00.000-05:00", "dateModified": "2024-05-01T08:00:00.000-04:00",
              "author": [{"@type": "Person", "name": "Leah Hartman", "sameAs": "https://www.circuitmag.example/author/leah-hartman/"}],
              "publisher": {"@type": "Organization", "name": "Condor Nast Publications"}}),
        NAV.format(site="CIRCUIT") + '<article><h1>The 6 Best E-Readers (2024): Kindle, Kobo, and More</h1>'
        '<p class="byline">By <a href="/author/leah-hartman/">Leah Hartman</a></p><p>We tested the latest e-ink tablets.</p></article>'
        + FOOT.format(year=2024, owner="Condor Nast Publications")),
    {"title": "The 6 Best E-Readers (2024): Kindle, Kobo, and More", "author": "Leah Hartman", "date": "2024-02-03",
     "publisher": "CIRCUIT", "description": "We tested the latest e-ink tablets to find the best one for every reader.",
     "canonical_url": "https://www.circuitmag.example/story/best-e-readers/",
     "image": "https://media.circuitmag.example/photos/ereaders.jpg", "lang": "en"},
)

PAGES["dev-news-staff-writer"] = (
    "https://www.coastdaily.example/california/story/2024-01-22/district-budget-shortfall",
    doc('<title>District faces $200-million budget shortfall - Coast Daily</title>'
        '<meta name="description" content="The district must close a gap of $200 million by June.">'
        '<meta property="og:title" content="District faces $200-million budget shortfall">'
        '<meta property="og:site_name" content="Coast Daily"><meta property="og:type" content="article">'
        '<meta property="og:image" content="https://ca-times.brightspotcdn.example/dims4/budget.jpg">'
        '<link rel="canonical" href="https://www.coastdaily.example/california/story/2024-01-22/district-budget-shortfall">'
        '<meta property="article:published_time" content="2024-01-22T13:00:00Z">',
        '<article><h1 class="headline">District faces $200-million budget shortfall</h1>'
        '<div class="byline"><div class="author-name">Hector Blum</div><div class="author-title">Staff Writer</div></div>'
        '<p>The district must close a gap of $200 million by June, officials said Monday.</p></article>'),
    {"title": "District faces $200-million budget shortfall", "author": "Hector Blum", "date": "2024-01-22",
     "publisher": "Coast Daily", "description": "The district must close a gap of $200 million by June.",
     "canonical_url": "https://www.coastdaily.example/california/story/2024-01-22/district-budget-shortfall",
     "image": "https://ca-times.brightspotcdn.example/dims4/budget.jpg", "lang": "en"},
)

PAGES["dev-jp-blog"] = (
    "https://gadget.example.jp/archives/2024/04/post-8812.html",
    doc('<title>ワイヤレスイヤホンを3か月使ったレビュー ｜ ガジェット通信ブログ</title>'
        '<meta name="description" content="3か月毎日使ってわかった良い点と気になる点をまとめました。">'
        '<meta property="og:site_name" content="ガジェット通信ブログ"><meta property="og:type" content="article">'
        '<meta property="og:image" content="https://gadget.example.jp/img/earbuds.jpg">'
        '<meta name="author" content="山田太郎">',
        '<article><h1>ワイヤレスイヤホンを3か月使ったレビュー</h1><p class="date">2024年4月2日</p>'
        '<p>3か月毎日使ってわかった良い点と気になる点をまとめました。</p></article>', "ja"),
    {"title": "ワイヤレスイヤホンを3か月使ったレビュー", "author": "山田太郎", "date": "2024-04-02", "publisher": "ガジェット通信ブログ",
     "description": "3か月毎日使ってわかった良い点と気になる点をまとめました。", "image": "https://gadget.example.jp/img/earbuds.jpg",
     "lang": "ja"},
)

PAGES["dev-de-news"] = (
    "https://www.rheinpost.example/wirtschaft/energiepreise-sinken-100.html",
    doc('<title>Energiepreise sinken deutlich | rheinpost.example</title>'
        '<meta name="description" content="Strom und Gas werden für Haushalte wieder günstiger.">'
        '<meta property="og:title" content="Energiepreise sinken deutlich"><meta property="og:site_name" content="Rheinpost">'
        '<meta property="og:image" content="https://www.rheinpost.example/bilder/energie-100.jpg">'
        '<meta name="date" content="2024-02-12T06:30:00+01:00"><meta name="author" content="Rheinpost Redaktion">'
        '<link rel="canonical" href="https://www.rheinpost.example/wirtschaft/energiepreise-sinken-100.html">',
        '<article><h1>Energiepreise sinken deutlich</h1><p class="autor">Von Anna Berger</p>'
        '<p>Strom und Gas werden für Haushalte wieder günstiger, meldet das Vergleichsportal.</p></article>', "de"),
    {"title": "Energiepreise sinken deutlich", "author": "Anna Berger", "date": "2024-02-12", "publisher": "Rheinpost",
     "description": "Strom und Gas werden für Haushalte wieder günstiger.",
     "canonical_url": "https://www.rheinpost.example/wirtschaft/energiepreise-sinken-100.html",
     "image": "https://www.rheinpost.example/bilder/energie-100.jpg", "lang": "de"},
)

PAGES["dev-company-blog-role"] = (
    "https://cloud.bigco.example/blog/products/ai-ml/new-embedding-models",
    doc('<title>New embedding models are now available | BigCo Cloud Blog</title>'
        '<meta name="description" content="Two new text embedding models with lower prices.">'
        '<meta property="og:title" content="New embedding models are now available">'
        '<meta property="og:site_name" content="BigCo Cloud Blog">'
        '<meta property="og:image" content="https://storage.bigco.example/blog/embeddings-hero.png">'
        '<meta property="article:published_time" content="2024-05-09">',
        '<article><h1>New embedding models are now available</h1>'
        '<div class="article-author"><span class="author-name">Priya Natarajan</span>, Director of Product Management, BigCo Cloud</div>'
        '<p>Two new text embedding models with lower prices and longer context.</p></article>'),
    {"title": "New embedding models are now available", "author": "Priya Natarajan", "date": "2024-05-09",
     "publisher": "BigCo Cloud Blog", "description": "Two new text embedding models with lower prices.",
     "image": "https://storage.bigco.example/blog/embeddings-hero.png", "lang": "en"},
)

# ------------------------------------------------------------------------------------------------ held-out pages

PAGES["ho-review-site-title-only"] = (
    "https://bikeradar.example/reviews/gravel/specialized-crux-review",
    doc('<title>Specialized Crux Pro review | TrailRider</title>'
        '<meta name="description" content="A featherweight gravel race bike with road bike manners.">',
        '<header><a href="/" class="site-logo"><img src="/logo.png" alt="TrailRider"></a></header>'
        '<main><article><h1>Specialized Crux Pro review</h1>'
        '<div class="byline">by <a rel="author" href="/contributors/tom-marlow">Tom Marlow</a> · <time datetime="2023-09-30T08:00:00Z">30 September 2023</time></div>'
        '<p>A featherweight gravel race bike with road bike manners.</p></article></main>'),
    {"title": "Specialized Crux Pro review", "author": "Tom Marlow", "date": "2023-09-30",
     "description": "A featherweight gravel race bike with road bike manners.", "lang": "en"},
)

PAGES["ho-xinhua-style"] = (
    "http://www.newsagency.example/tech/20240311/a1b2c3/c.html",
    doc('<title>我国科学家在量子计算领域取得新突破-新华网</title>'
        '<meta name="keywords" content="量子计算"><meta name="description" content="我国科学家在量子计算领域取得新突破。">'
        '<meta name="publishdate" content="2024-03-11">',
        '<div class="header"><h1>我国科学家在量子计算领域取得新突破</h1><div class="info"><span class="time">2024-03-11 09:12:30</span>'
        ' 来源：新华网</div></div><div id="detail"><p>记者从中国科学院获悉，我国科学家在量子计算领域取得新突破。</p></div>', "zh-CN"),
    {"title": "我国科学家在量子计算领域取得新突破", "date": "2024-03-11", "description": "我国科学家在量子计算领域取得新突破。",
     "lang": "zh"},
)

PAGES["ho-getnews-style"] = (
    "https://getnews.example.jp/archives/3512345",
    doc('<title>話題の新作ゲームを遊んでみた ｜ ガジェット通信 GetNews</title>'
        '<meta name="description" content="発売されたばかりの新作を一足先に遊んでみました。">'
        '<meta property="og:site_name" content="ガジェット通信 GetNews">'
        '<meta property="og:image" content="https://getnews.example.jp/wp-content/uploads/2024/03/game.jpg">'
        '<meta property="article:published_time" content="2024-03-21T18:00:00+09:00">',
        '<div class="entry"><h1 class="entry-title">話題の新作ゲームを遊んでみた</h1><p>発売されたばかりの新作を一足先に遊んでみました。</p></div>', "ja"),
    {"title": "話題の新作ゲームを遊んでみた", "date": "2024-03-21", "publisher": "ガジェット通信 GetNews",
     "description": "発売されたばかりの新作を一足先に遊んでみました。", "image": "https://getnews.example.jp/wp-content/uploads/2024/03/game.jpg",
     "lang": "ja"},
)

PAGES["ho-wikia-old"] = (
    "https://villains.wikia.example/wiki/Sauron",
    doc('<title>Sauron | Villains Wiki | Fandom powered by Wikia</title>'
        '<meta name="description" content="Sauron is the titular main antagonist of The Lord of the Rings.">'
        '<meta property="og:site_name" content="Villains Wiki"><meta property="og:type" content="article">'
        '<link rel="canonical" href="https://villains.wikia.example/wiki/Sauron">',
        '<h1 class="page-header__title">Sauron</h1><div id="mw-content-text"><p><b>Sauron</b> is the titular main antagonist.</p></div>'),
    {"title": "Sauron", "publisher": "Villains Wiki", "description": "Sauron is the titular main antagonist of The Lord of the Rings.",
     "canonical_url": "https://villains.wikia.example/wiki/Sauron", "lang": "en"},
)

PAGES["ho-tv-news-org-author"] = (
    "https://abcnews.example/Technology/ai-chatbots-schools/story?id=107123456",
    doc('<title>Schools weigh rules for AI chatbots - ABC News</title>'
        '<meta name="description" content="Districts are drafting policies as students adopt AI tools.">'
        '<meta property="og:title" content="Schools weigh rules for AI chatbots"><meta property="og:site_name" content="ABC News">'
        '<meta property="og:image" content="https://i.abcnewsfe.example/a/ai-schools.jpg">'
        '<link rel="canonical" href="https://abcnews.example/Technology/ai-chatbots-schools/story?id=107123456">'
        + ld({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Schools weigh rules for AI chatbots",
              "datePublished": "2024-02-20T10:04:00Z", "author": [{"@type": "Organization", "name": "ABC News"}],
              "publisher": {"@type": "NewsMediaOrganization", "name": "ABC News"}}),
        '<article><h1>Schools weigh rules for AI chatbots</h1><div class="Byline">By <span class="Byline__Author">Maria Lopez</span></div>'
        '<p>Districts are drafting policies as students adopt AI tools.</p></article>'),
    {"title": "Schools weigh rules for AI chatbots", "author": "Maria Lopez", "date": "2024-02-20", "publisher": "ABC News",
     "description": "Districts are drafting policies as students adopt AI tools.",
     "canonical_url": "https://abcnews.example/Technology/ai-chatbots-schools/story?id=107123456",
     "image": "https://i.abcnewsfe.example/a/ai-schools.jpg", "lang": "en"},
)

PAGES["ho-time-brand-byline"] = (
    "https://time.example/6951234/retro-game-consoles/",
    doc('<title>Why Retro Game Consoles Are Booming | TIME</title>'
        '<meta name="description" content="Old hardware is fetching new prices.">'
        '<meta property="og:title" content="Why Retro Game Consoles Are Booming"><meta property="og:site_name" content="Time">'
        '<meta property="article:published_time" content="2023-12-05T14:00:00Z">'
        '<meta property="og:image" content="https://api.time.example/wp-content/uploads/2023/12/consoles.jpg">',
        '<article><h1>Why Retro Game Consoles Are Booming</h1><div class="author-and-date"><div class="author">'
        '<span class="brand">TIME</span> <a href="/author/john-patrick-pullen/">John Patrick Pullen</a></div></div>'
        '<p>Old hardware is fetching new prices.</p></article>'),
    {"title": "Why Retro Game Consoles Are Booming", "author": "John Patrick Pullen", "date": "2023-12-05", "publisher": "Time",
     "description": "Old hardware is fetching new prices.", "image": "https://api.time.example/wp-content/uploads/2023/12/consoles.jpg",
     "lang": "en"},
)

PAGES["ho-ghost-blog"] = (
    "https://notes.mlpractice.example/attention-from-scratch/",
    doc('<title>Attention from scratch</title><meta name="description" content="Building scaled dot-product attention in 40 lines.">'
        '<link rel="canonical" href="https://notes.mlpractice.example/attention-from-scratch/">'
        '<meta property="og:site_name" content="ML Practice Notes"><meta property="og:type" content="article">'
        '<meta property="og:title" content="Attention from scratch">'
        '<meta property="og:image" content="https://notes.mlpractice.example/content/images/2024/01/attention.png">'
        '<meta property="article:published_time" content="2024-01-08T16:20:00.000Z">'
        '<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Sam Okafor">'
        + ld({"@context": "https://schema.org", "@type": "Article", "publisher": {"@type": "Organization", "name": "ML Practice Notes"},
              "author": {"@type": "Person", "name": "Sam Okafor"}, "headline": "Attention from scratch",
              "datePublished": "2024-01-08T16:20:00.000Z"}),
        '<article><h1>Attention from scratch</h1><p>Building scaled dot-product attention in 40 lines.</p></article>'),
    {"title": "Attention from scratch", "author": "Sam Okafor", "date": "2024-01-08", "publisher": "ML Practice Notes",
     "description": "Building scaled dot-product attention in 40 lines.",
     "canonical_url": "https://notes.mlpractice.example/attention-from-scratch/",
     "image": "https://notes.mlpractice.example/content/images/2024/01/attention.png", "lang": "en"},
)

PAGES["ho-nested-jsonld"] = (
    "https://recipes.example/quick-miso-soup",
    doc('<title>Quick miso soup - Weeknight Kitchen</title>'
        '<meta name="description" content="A ten-minute miso soup with tofu and greens.">'
        '<meta property="og:title" content="Quick miso soup"><meta property="og:site_name" content="Weeknight Kitchen">'
        '<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"BlogPosting","headline":"Quick miso soup",'
        '"author":{"@type":"Person","name":"Keiko Mori"},"datePublished":"2024-03-02","publisher":{"@type":"Organization","name":"Weeknight Kitchen"},'
        '"recipe":' + '{"step":' * 1500 + '"stir"' + '}' * 1500 + '}]}</script>',
        '<article><h1>Quick miso soup</h1><p>A ten-minute miso soup with tofu and greens.</p></article>'),
    {"title": "Quick miso soup", "author": "Keiko Mori", "date": "2024-03-02", "publisher": "Weeknight Kitchen",
     "description": "A ten-minute miso soup with tofu and greens.", "lang": "en"},
)

PAGES["ho-fr-news"] = (
    "https://www.journal-ouest.example/economie/2024/02/15/la-bourse-recule_6789.html",
    doc('<title>La Bourse recule après les chiffres de l’inflation – Journal de l’Ouest</title>'
        '<meta name="description" content="Les marchés ont mal accueilli la hausse des prix.">'
        '<meta property="og:title" content="La Bourse recule après les chiffres de l’inflation">'
        '<meta property="og:site_name" content="Journal de l’Ouest">'
        '<meta property="og:image" content="https://img.journal-ouest.example/2024/02/bourse.jpg">'
        '<meta property="article:published_time" content="2024-02-15T17:45:00+01:00">'
        '<meta name="author" content="Claire Dubois, journaliste">',
        '<article><h1>La Bourse recule après les chiffres de l’inflation</h1><p>Les marchés ont mal accueilli la hausse.</p></article>', "fr"),
    {"title": "La Bourse recule après les chiffres de l’inflation", "author": "Claire Dubois", "date": "2024-02-15",
     "publisher": "Journal de l’Ouest", "description": "Les marchés ont mal accueilli la hausse des prix.",
     "image": "https://img.journal-ouest.example/2024/02/bourse.jpg", "lang": "fr"},
)

PAGES["ho-docs-page"] = (
    "https://docs.fastlib.example/en/stable/guide/streaming.html",
    doc('<title>Streaming responses — FastLib 2.3 documentation</title>'
        '<meta name="generator" content="Docutils 0.19: https://docutils.sourceforge.io/">'
        '<link rel="canonical" href="https://docs.fastlib.example/en/stable/guide/streaming.html">',
        '<div role="main"><h1>Streaming responses<a class="headerlink" href="#streaming">¶</a></h1>'
        '<p>FastLib can stream a response body chunk by chunk without holding it in memory.</p></div>'),
    {"title": "Streaming responses", "canonical_url": "https://docs.fastlib.example/en/stable/guide/streaming.html",
     "description": "FastLib can stream a response body chunk by chunk without holding it in memory.", "lang": "en"},
)

PAGES["ho-substack-style"] = (
    "https://thegradientpost.example/p/what-scaling-laws-miss",
    doc('<title>What scaling laws miss - by Irene Vass - The Gradient Post</title>'
        '<meta name="description" content="Loss curves are not capabilities.">'
        '<meta property="og:title" content="What scaling laws miss"><meta property="og:site_name" content="The Gradient Post">'
        '<meta property="og:image" content="https://substackcdn.example/image/fetch/scaling.png">'
        '<meta name="author" content="Irene Vass">'
        + ld({"@context": "https://schema.org", "@type": "NewsArticle", "url": "https://thegradientpost.example/p/what-scaling-laws-miss",
              "headline": "What scaling laws miss", "datePublished": "2024-04-17T13:02:11+00:00",
              "author": [{"@type": "Person", "name": "Irene Vass", "url": "https://substack.example/@irenevass"}],
              "publisher": {"@type": "Organization", "name": "The Gradient Post"}}),
        '<article><h1 class="post-title">What scaling laws miss</h1><p>Loss curves are not capabilities.</p></article>'),
    {"title": "What scaling laws miss", "author": "Irene Vass", "date": "2024-04-17", "publisher": "The Gradient Post",
     "description": "Loss curves are not capabilities.", "image": "https://substackcdn.example/image/fetch/scaling.png", "lang": "en"},
)

PAGES["ho-kr-news"] = (
    "https://news.koreadaily.example/article/2024031512345",
    doc('<title>반도체 수출 석 달째 증가 : 코리아데일리</title>'
        '<meta name="description" content="반도체 수출이 석 달 연속 증가했다.">'
        '<meta property="og:title" content="반도체 수출 석 달째 증가"><meta property="og:site_name" content="코리아데일리">'
        '<meta property="article:published_time" content="2024-03-15T08:00:00+09:00">'
        '<meta name="author" content="김민준 기자">',
        '<article><h1>반도체 수출 석 달째 증가</h1><p>반도체 수출이 석 달 연속 증가했다.</p></article>', "ko"),
    {"title": "반도체 수출 석 달째 증가", "date": "2024-03-15", "publisher": "코리아데일리",
     "description": "반도체 수출이 석 달 연속 증가했다.", "lang": "ko"},
)

PAGES["ho-product-press-release"] = (
    "https://www.pressroom.example/news-release/2024/03/04/2839912/0/en/Acme-Launches-Widget.html",
    doc('<title>Acme Launches Widget 2</title><meta name="description" content="Acme Corp today announced Widget 2.">'
        '<meta property="og:title" content="Acme Launches Widget 2"><meta property="og:site_name" content="PressRoom News Desk">'
        '<meta name="author" content="Acme Corp"><meta property="og:image" content="https://ml.pressroom.example/Resource/Download/acme.png">'
        '<meta name="dc.date" content="2024-03-04">',
        '<article><h1>Acme Launches Widget 2</h1><p>Acme Corp today announced Widget 2.</p></article>'),
    {"title": "Acme Launches Widget 2", "author": "Acme Corp", "date": "2024-03-04", "publisher": "PressRoom News Desk",
     "description": "Acme Corp today announced Widget 2.", "image": "https://ml.pressroom.example/Resource/Download/acme.png",
     "lang": "en"},
)

PAGES["ho-personal-blog"] = (
    "https://janedoe.example/posts/2022/why-i-write-tests-first/",
    doc('<title>Why I write tests first · Jane Doe</title><meta name="description" content="Notes on a habit.">'
        '<meta name="author" content="Jane Doe">',
        '<header><a href="/">Jane Doe</a></header><main><h1>Why I write tests first</h1>'
        '<time datetime="2022-06-30">June 30, 2022</time><p>Notes on a habit I picked up late.</p></main>'),
    {"title": "Why I write tests first", "author": "Jane Doe", "date": "2022-06-30", "description": "Notes on a habit.",
     "lang": "en"},
)


def main() -> None:
    for name, (url, html, expected) in PAGES.items():
        folder = HERE / name
        folder.mkdir(exist_ok=True)
        (folder / "page.html").write_text(html, encoding="utf-8")
        (folder / "expected.json").write_text(
            json.dumps({"url": url, **expected, "_source": {"set": name.split("-")[0], "kind": "made up here"}},
                       ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
