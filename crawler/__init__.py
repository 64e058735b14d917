"""The Scrapy project that finds and fetches annual reports on district government sites."""
