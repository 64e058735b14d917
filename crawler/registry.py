"""The sites registry: which district sites to crawl, read from YAML.

::

    sites:
      - id: yunhu
        name: 云湖区人民政府
        region_code: "900001"
        start_urls: [http://www.yunhu.gov.cn/]
        report_columns: [http://www.yunhu.gov.cn/col/col6044/index.html]   # optional hint
        extra_domains: [xxgk.yunhu.gov.cn, http://files.yunhu.gov.cn:8080]  # optional

Every entry is checked before anything is crawled; a bad one stops the run with a one-line
:class:`RegistryError` naming the file, the entry and the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

REQUIRED_FIELDS = ("id", "name", "region_code", "start_urls")
OPTIONAL_FIELDS = ("report_columns", "extra_domains")
_SITE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_REGION_CODE = re.compile(r"^\d{6}(\d{6})?$")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class RegistryError(ValueError):
    """A sites registry that cannot be used; the message is one line naming file, entry and field."""


@dataclass(frozen=True)
class Origin:
    """Scheme, host and port: what makes two URLs the same site on the web."""

    scheme: str
    host: str
    port: int

    @classmethod
    def of(cls, url: str) -> Origin:
        """The origin of ``url`` (default port filled in)."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        return cls(scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(scheme, 0))

    def same_server(self, other: Origin) -> bool:
        """Same origin, or the same host on its default port over http and https (a scheme upgrade)."""
        if self == other:
            return True
        default_ports = (self.port == _DEFAULT_PORTS.get(self.scheme)
                         and other.port == _DEFAULT_PORTS.get(other.scheme))
        return self.host == other.host and default_ports


@dataclass(frozen=True)
class Site:
    """One registry entry, validated."""

    id: str
    name: str
    region_code: str
    start_urls: tuple[str, ...]
    report_columns: tuple[str, ...] = ()
    extra_domains: tuple[str, ...] = ()
    origins: tuple[Origin, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        declared = [d for d in self.extra_domains if "://" in d]
        urls = [*self.start_urls, *self.report_columns, *declared]
        object.__setattr__(self, "origins", tuple(dict.fromkeys(Origin.of(u) for u in urls)))

    def allows(self, url: str) -> bool:
        """Whether ``url`` belongs to this site: one of its origins or a declared extra host."""
        origin = Origin.of(url)
        if origin.scheme not in _DEFAULT_PORTS:
            return False
        if any(origin.same_server(known) for known in self.origins):
            return True
        return origin.host in {d.lower() for d in self.extra_domains if "://" not in d}

    def as_record(self) -> dict[str, Any]:
        """The entry as plain data, as the archive's ``upsert_sites`` takes it."""
        return {
            "id": self.id,
            "name": self.name,
            "region_code": self.region_code,
            "start_urls": list(self.start_urls),
            "report_columns": list(self.report_columns),
            "extra_domains": list(self.extra_domains),
        }


def load_registry(path: str | Path, only: Iterable[str] = ()) -> list[Site]:
    """Read and validate the registry at ``path``; ``only`` keeps just those site ids."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RegistryError(f"{path}: cannot read: {error.strerror or error}") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise RegistryError(f"{path}:{where}: not valid YAML: {getattr(error, 'problem', error)}") from error
    if not isinstance(data, dict) or not isinstance(data.get("sites"), list) or not data["sites"]:
        raise RegistryError(f"{path}: expected a mapping with a non-empty list under 'sites'")
    sites = [parse_entry(entry, f"{path}: sites[{index}]") for index, entry in enumerate(data["sites"])]
    _check_unique_ids(sites, path)
    return select_sites(sites, only, path)


def parse_entry(entry: Any, where: str) -> Site:
    """Validate one registry entry; ``where`` prefixes every error (file and index)."""
    if not isinstance(entry, dict):
        raise RegistryError(f"{where}: expected a mapping, got {type(entry).__name__}")
    if isinstance(entry.get("id"), str):
        where = f"{where} (id {entry['id']!r})"
    unknown = sorted(set(entry) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS))
    if unknown:
        raise RegistryError(f"{where}: {unknown[0]}: unknown field (known: "
                            f"{', '.join(REQUIRED_FIELDS + OPTIONAL_FIELDS)})")
    for name in REQUIRED_FIELDS:
        if entry.get(name) in (None, "", []):
            raise RegistryError(f"{where}: {name}: missing")
    site_id, name, region_code = entry["id"], entry["name"], str(entry["region_code"])
    if not isinstance(site_id, str) or not _SITE_ID.match(site_id):
        raise RegistryError(f"{where}: id: must be letters, digits, '_', '-' or '.', got {site_id!r}")
    if not isinstance(name, str):
        raise RegistryError(f"{where}: name: must be text, got {name!r}")
    if not _REGION_CODE.match(region_code):
        raise RegistryError(f"{where}: region_code: must be 6 or 12 digits, got {region_code!r}")
    return Site(
        id=site_id,
        name=name.strip(),
        region_code=region_code,
        start_urls=_urls(entry["start_urls"], f"{where}: start_urls"),
        report_columns=_urls(entry.get("report_columns") or [], f"{where}: report_columns"),
        extra_domains=_domains(entry.get("extra_domains") or [], f"{where}: extra_domains"),
    )


def select_sites(sites: list[Site], only: Iterable[str], path: Path) -> list[Site]:
    """The sites whose ids are in ``only`` (all when empty); an unknown id is an error."""
    wanted = list(only)
    if not wanted:
        return sites
    known = {site.id for site in sites}
    missing = [site_id for site_id in wanted if site_id not in known]
    if missing:
        raise RegistryError(f"{path}: --site {missing[0]}: no such site id in the registry")
    return [site for site in sites if site.id in wanted]


def _check_unique_ids(sites: list[Site], path: Path) -> None:
    seen: set[str] = set()
    for index, site in enumerate(sites):
        if site.id in seen:
            raise RegistryError(f"{path}: sites[{index}] (id {site.id!r}): id: duplicate of an earlier entry")
        seen.add(site.id)


def _urls(value: Any, where: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise RegistryError(f"{where}: expected a list of http(s) URLs")
    for url in items:
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
            raise RegistryError(f"{where}: not an http(s) URL: {url!r}")
    return tuple(items)


def _domains(value: Any, where: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise RegistryError(f"{where}: expected a list of host names or origins")
    for domain in items:
        if not isinstance(domain, str) or not domain or "/" in domain.split("://", 1)[-1].rstrip("/"):
            raise RegistryError(f"{where}: not a host name or origin (scheme://host:port): {domain!r}")
        if "://" in domain:
            _urls([domain], where)
    return tuple(d.rstrip("/") for d in items)
