"""Scrapy settings of the nianbao crawler (``scrapy.cfg`` points here).

Defaults are polite for government servers; tests and benchmarks on loopback relax them with
``-s AUTOTHROTTLE_ENABLED=False -s DOWNLOAD_DELAY=0``, as with any Scrapy project.
"""

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "nianbao/0.1 (+https://github.com/nianbao/nianbao; annual-report archive)"
ROBOTSTXT_OBEY = True

# Politeness: at most 2 connections per host, AutoThrottle adapting the delay to the server's latency.
CONCURRENT_REQUESTS = 64
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Robustness: give up on a slow page, retry server errors and network faults with growing waits,
# refuse absurdly large files (reports are rarely above a few MB).
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_BACKOFF_BASE = 2.0
RETRY_BACKOFF_MAX = 60.0

# Only http(s): no handlers for file:, data:, ftp: or s3: URLs, whatever a page or redirect says.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
# Host names are checked for private and loopback addresses before connecting (crawler/safety.py).
TWISTED_DNS_RESOLVER = "crawler.safety.SafeResolver"

COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REDIRECT_MAX_TIMES = 5
# Breadth-first per site keeps listings ahead of documents, so a site's report set is known early.
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.UrlSafetyMiddleware": 40,
    "crawler.middlewares.SiteOriginMiddleware": 50,
    "crawler.middlewares.BackoffMiddleware": 60,
    "crawler.middlewares.ConditionalRequestMiddleware": 560,
    "crawler.middlewares.EncodingMiddleware": 580,  # after decompression (590)
    "crawler.middlewares.WholeBodyMiddleware": 595,  # before decompression (590)
}
ITEM_PIPELINES = {"crawler.pipelines.ArchivePipeline": 300}
EXTENSIONS = {"crawler.extensions.CrawlProgress": 500}

# The archive (SQLite) the crawl writes to; ``nianbao crawl --db`` sets it.
NIANBAO_DB = "nianbao.db"
# Worker processes that parse reports (PDFs take seconds) beside the crawl; 0 parses on the archive thread.
NIANBAO_PARSE_PROCESSES = 1
# Seconds a parser process may spend on one document before it is archived as unreadable; above the
# readers' own limits (60 s PDF read, 120 s DOC conversion), which give the more precise reason.
NIANBAO_PARSE_SECONDS = 180.0
# Seconds between progress lines; 0 turns them off.
NIANBAO_PROGRESS_INTERVAL = 10.0
# Safety: loopback servers (127.0.0.0/8, localhost) are refused like private networks unless this is
# True; the tests, the demo and the benchmarks serve their webs on loopback and set it.
NIANBAO_ALLOW_LOOPBACK = False
# Crawler traps (calendars, pagers that never end): at most this many requests per site per run, and
# listing pages at most this many pager hops from a column's first page.  Hitting either is a failure
# of the site in the run summary, so the site's missing reports are not inferred from a cut-short run.
NIANBAO_MAX_REQUESTS_PER_SITE = 3000
NIANBAO_MAX_LISTING_DEPTH = 60
