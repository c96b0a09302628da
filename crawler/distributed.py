"""Many workers on one crawl through Redis (scrapy-redis): `xxgk audit URL --redis URL --workers N`
and `xxgk worker --redis URL`.

Roles:

- the coordinator (`crawl_distributed`, called by `xxgk.audit` in place of `crawler.run.crawl`)
  owns the database. It announces a job in Redis (`xxgk:jobs`, `xxgk:{job}:job`), starts N
  local workers (any number of `xxgk worker` processes on other machines may join), and is
  the single writer: workers push their row batches to the list `xxgk:{job}:rows`, the
  coordinator writes them into the run, one transaction per batch. When the crawl is done
  it checks that nothing was lost and, if something was (a worker killed midway), runs the
  resume pass of `crawler.resume` on the run, which requests exactly what is missing.
- a worker runs the normal `PortalSpider` (subclass `DistributedPortalSpider`) with the
  scrapy-redis scheduler: one shared priority queue (priority -depth, breadth-first as in
  one process); requests are serialised with their `meta["xxgk"]` state, so any worker can
  continue any request (redirect chains, retries).

State shared in Redis (what one process keeps in memory and two processes must agree on):
URLs seen as pages (`page_seen`), targets with a result written or coming (`target_seen`),
skipped URLs, page skip reasons, the trap counters of `Scope.admit` (Lua scripts, so
`max_pages`, `max_per_pattern` and `max_query_variants` hold for the whole crawl) and the
home URLs / portal hosts learnt from the start URL's redirects. A URL is claimed with SADD:
exactly one worker fetches it. Per-worker state: soft-404 fingerprints (each worker probes
a host once itself; probes and the start URL's redirect chain stay in the worker's own
queue) and delayed retries.

A worker's reactor thread does not wait for Redis while it crawls: its commands go through
a `Link`, a thread with its own connection that sends everything handed to it since its
last round trip in one pipeline (many pages' claims, requests to queue, row batches, takes
from the shared queue) and hands the answers back to the reactor. A page's claims are made
between its extraction and its outputs (`PortalSpider._after_extract`, awaited by the
page's callback while the reactor goes on with other pages).

Why rows go through Redis rather than per-worker SQLite files merged at the end: workers on
other machines need nothing but the Redis address, the run is complete in the database the
moment the crawl ends, and a batch is one RPUSH, so a killed worker loses only its
unflushed batch, which the resume pass refetches. Batches and requests are pickled (as
scrapy-redis pickles requests): the Redis of a crawl is trusted like its workers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import pickle
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.scheduler import Scheduler as RedisScheduler
from twisted.internet import task

from crawler import linkcheck as lc
from crawler.extract_pool import link_targets
from crawler.pipelines import TABLES, StorePipeline
from crawler.spiders.portal import PortalSpider
from crawler.spiders.scope import Scope, path_pattern

logger = logging.getLogger(__name__)

JOBS = "xxgk:jobs"  # set of active job ids
BUSY_TTL = 3.0  # seconds a worker's busy mark lives without renewal (a killed worker's expires)
# seconds a worker's hold on an exclusive job (a batch's site) lives without renewal (renewed
# every second; environment XXGK_OWNER_TTL, for the tests)
OWNER_TTL = float(os.environ.get("XXGK_OWNER_TTL") or 10.0)
# rows a worker sends in one batch (or what it has every 2 s); environment XXGK_WORKER_BATCH_ROWS.
# One message and one transaction of the coordinator per batch: 500-row batches cost the
# coordinator ~1.5x the CPU of 4,000-row ones (json: ~2x)
WORKER_BATCH_ROWS = 4000

# compare-and-renew / compare-and-delete of a worker's hold on an exclusive job
_RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"
_RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


def connect(url: str, **options):
    import redis

    return redis.Redis.from_url(url, **options)


def key(job: str, name: str) -> str:
    return f"xxgk:{job}:{name}"


# ---------------------------------------------------------------------------- the worker's line to Redis


class Link:
    """A worker's Redis commands, sent by a thread of its own over a connection of its own.

    `submit(fill, done)`: `fill(pipe)` queues commands on a pipeline (it runs in the link's
    thread: it may only use what it captured); `done(answers)` receives their answers (an
    exception in place of a failed command's answer) in the thread `deliver` runs callables
    in (the reactor's). Everything submitted while a round trip is out goes in the next one,
    as one pipeline; operations run in the order submitted, over one connection, and their
    `done` are called in that order. `pending`: operations not answered yet, `work`: those
    of them submitted with work=True (requests, rows, claims: what a busy worker holds).

    Scripts are loaded once (`load`) and called by EVALSHA: a redis-py pipeline holding a
    registered script asks SCRIPT EXISTS first, one more round trip each time."""

    def __init__(self, url: str, deliver: Callable[[Callable], Any] | None = None,
                 soon: Callable[[Callable], Any] | None = None):
        self.r = connect(url)
        # None: the reactor's callFromThread and callLater(0, ...), looked up at the first
        # submit (the spider that makes its link exists before Scrapy installs its reactor);
        # `soon`: how the submitting thread runs a call at the end of its turn (default: deliver)
        self._deliver_in, self._soon = deliver, soon or deliver
        self._cond = threading.Condition()
        self._outbox: list[tuple] = []  # (fill, done, work) submitted this turn of the reactor
        self._kick_due = False
        self._ops: list[tuple] = []  # handed to the thread
        self._done: deque = deque()  # (ops, answers per op) of finished round trips
        self._running = 0  # operations taken by the thread, not yet in _done
        self._idle = False  # the thread waits for operations
        self._closing = False
        self.pending = 0
        self.work = 0
        self.round_trips = 0
        self.scripts: dict[str, str] = {}  # sha -> text
        self._thread = threading.Thread(target=self._run, name="xxgk-redis", daemon=True)
        self._thread.start()

    def load(self, text: str) -> str:
        """The SHA of Lua script `text`, loaded into the server now."""
        sha = self.r.script_load(text)
        self.scripts[sha] = text
        return sha

    def submit(self, fill: Callable, done: Callable | None = None, *, work: bool = False) -> None:
        self.pending += 1
        self.work += work
        self._outbox.append((fill, done, work))
        if not self._kick_due:  # what a turn of the reactor submits goes to the thread at once
            self._kick_due = True
            if self._soon is None:
                from twisted.internet import reactor

                self._deliver_in = self._deliver_in or reactor.callFromThread
                self._soon = lambda call: reactor.callLater(0, call)
            self._soon(self._kick)

    def _kick(self) -> None:
        self._kick_due = False
        if not self._outbox:
            return
        ops, self._outbox = self._outbox, []
        with self._cond:
            self._ops += ops
            if self._idle:  # else it takes them when its round trip is back (a wake-up costs a GIL handoff)
                self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._ops and not self._closing:
                    self._idle = True
                    self._cond.wait()
                    self._idle = False
                if not self._ops:
                    return
                ops, self._ops = self._ops, []
                self._running = len(ops)
            answers = self._execute(ops)
            with self._cond:
                self._done.append((ops, answers))
                self._running = 0
                self._cond.notify_all()
            try:
                self._deliver_in(self.deliver)
            except Exception:  # noqa: BLE001 - the reactor is gone: wait() delivers
                pass

    def _execute(self, ops: list[tuple]) -> list[list]:
        pipe = self.r.pipeline(transaction=False)
        spans = []
        for fill, _done, _work in ops:
            before = len(pipe.command_stack)
            try:
                fill(pipe)
            except Exception as exc:  # noqa: BLE001 - handed to its caller
                del pipe.command_stack[before:]
                spans.append(exc)
                continue
            spans.append(len(pipe.command_stack) - before)
        commands = [args for args, _options in pipe.command_stack]
        try:
            answers = pipe.execute(raise_on_error=False) if commands else []
            self.round_trips += 1
        except Exception as exc:  # noqa: BLE001 - connection lost: every operation fails
            answers = [exc] * len(commands)
        self._reload(commands, answers)
        out, at = [], 0
        for span in spans:
            if isinstance(span, Exception):
                out.append([span])
                continue
            out.append(answers[at:at + span])
            at += span
        return out

    def _reload(self, commands: list, answers: list) -> None:
        """Scripts the server forgot (SCRIPT FLUSH, a restart): loaded again, those calls
        made again, one by one."""
        from redis.exceptions import NoScriptError

        for i, answer in enumerate(answers):
            if isinstance(answer, NoScriptError) and commands[i][0] == "EVALSHA" and commands[i][1] in self.scripts:
                try:
                    self.r.script_load(self.scripts[commands[i][1]])
                    answers[i] = self.r.execute_command(*commands[i])
                except Exception as exc:  # noqa: BLE001
                    answers[i] = exc

    def deliver(self) -> None:
        """Hand finished operations their answers (in the reactor thread)."""
        while self._done:
            ops, answers = self._done.popleft()
            for (_fill, done, work), got in zip(ops, answers, strict=True):
                self.pending -= 1
                self.work -= work
                if done is not None:
                    try:
                        done(got)
                    except Exception:
                        logger.exception("a Redis answer's handler failed")

    def wait(self) -> None:
        """Block until every operation submitted so far is answered and delivered."""
        self._kick()
        with self._cond:
            while (self._ops or self._running) and self._thread.is_alive():
                self._cond.wait(0.1)
        self.deliver()

    def close(self) -> None:
        self.wait()
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._thread.join(timeout=10)
        self.r.close()


# ---------------------------------------------------------------------------- shared state

_NO = object()


class SharedSet:
    """A set in Redis with a local cache of members (members are never removed by the crawl).

    `x in s` *claims* x: it answers True when x was already a member, else adds it (SADD,
    atomic across workers) and answers False. The spider asks `in` right before it adds
    the URL itself (check-then-add), so this makes every such check a race-free claim.
    For page_seen only page candidates that are not skipped are claimed (`claim_if`): the
    spider tests those two conditions after `in page_seen` and then does not add the URL.

    `ctx`, while a page's links are followed: that page's claims made ahead (`PageClaims`),
    value -> True (a member already), False (claimed for this page) or None (not a member,
    not claimed); `in` and `add` take them before anything else (another page's answers
    for the same value are its own: the first claim wins, the others see a member)."""

    def __init__(self, r, name: str, claim_if: Callable[[str], bool] | None = None):
        self.r, self.name, self.local = r, name, set()
        self.claim_if = claim_if  # values `in` may claim (else: a plain membership test)
        self.ctx: dict | None = None

    def __contains__(self, value: str) -> bool:
        ctx = self.ctx
        if ctx is not None:
            answer = ctx.pop(value, _NO)
            if answer is not _NO:
                if answer is None:
                    return False
                self.local.add(value)
                return answer
        if value in self.local:
            return True
        if self.claim_if is not None and not self.claim_if(value):
            if self.r.sismember(self.name, value):
                self.local.add(value)
                return True
            return False
        self.local.add(value)
        return not self.r.sadd(self.name, value)

    def add(self, value: str) -> None:
        ctx = self.ctx
        if ctx is not None and ctx.pop(value, _NO) is not _NO:  # claimed ahead: a member already
            self.local.add(value)
            return
        if value not in self.local:
            self.local.add(value)
            self.r.sadd(self.name, value)

    def discard(self, value: str, *, remote: bool = True) -> None:
        self.local.discard(value)
        if remote:
            self.r.srem(self.name, value)

    def __len__(self) -> int:
        return int(self.r.scard(self.name))


class SharedSkips(dict):
    """URL -> skip reason (`page_skipped`), in a Redis hash; a skipped URL is no page seen.

    `ctx`, while a page's links are followed: the URLs its claims found not skipped."""

    def __init__(self, r, name: str, page_seen: SharedSet):
        super().__init__()
        self.r, self.name, self.page_seen = r, name, page_seen
        self.ctx: set | None = None
        self.released: set[str] = set()  # refused by a claim script: already recorded in Redis

    def _load(self, url: str) -> str | None:
        if dict.__contains__(self, url):
            return dict.__getitem__(self, url)
        if self.ctx is not None and url in self.ctx:
            return None
        value = self.r.hget(self.name, url)
        if value is None:
            return None
        value = value.decode()
        dict.__setitem__(self, url, value)
        return value

    def __contains__(self, url) -> bool:
        return self._load(url) is not None

    def __getitem__(self, url):
        value = self._load(url)
        if value is None:
            raise KeyError(url)
        return value

    def get(self, url, default=None):
        value = self._load(url)
        return default if value is None else value

    def __setitem__(self, url, reason) -> None:
        dict.__setitem__(self, url, reason)
        if url in self.released:  # the claim script wrote the reason and left page_seen
            self.released.discard(url)
            self.page_seen.discard(url, remote=False)
            return
        self.r.hsetnx(self.name, url, reason)
        # the `in page_seen` check before Scope.admit claimed it; one process never adds a
        # skipped URL to page_seen (a redirect may still lead there)
        self.page_seen.discard(url)

    def setdefault(self, url, reason):
        value = self._load(url)
        if value is None:
            self[url] = reason
            return reason
        return value

    def learn(self, url: str, reason: str) -> None:
        dict.__setitem__(self, url, reason)


_ADMIT = """
local pat = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if tonumber(ARGV[3]) > 0 and pat >= tonumber(ARGV[3]) then return 'trap_pattern' end
if ARGV[2] ~= '' and tonumber(ARGV[4]) > 0 then
  if redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 0 and redis.call('SCARD', KEYS[3]) >= tonumber(ARGV[4]) then
    return 'trap_query'
  end
end
if tonumber(ARGV[5]) > 0 and tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[5]) then
  return 'max_pages'
end
redis.call('INCR', KEYS[1])
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
if ARGV[2] ~= '' then redis.call('SADD', KEYS[3], ARGV[2]) end
return ''
"""


# A page candidate claimed and admitted in one step (`PageClaims`), what the parent's
# `_follow` loop asks about it, in its order: 'skipped:REASON' when the URL is a skipped
# one already; 'seen' when another page has it; else the claim (SADD page_seen) and the
# refusal computed locally (ARGV[2]) or the trap counters of _ADMIT: admitted -> '' (and
# claimed as a target too: its page request is its link check); refused -> it leaves
# page_seen, its reason is recorded and its skipped row claimed: '+REASON' (the row is
# this worker's to write) or '-REASON' (written already).
_CLAIM_PAGE = """
local skipped = redis.call('HGET', KEYS[6], ARGV[1])
if skipped then return 'skipped:' .. skipped end
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 'seen' end
local reason = ARGV[2]
if reason == '' then
  local pat = tonumber(redis.call('HGET', KEYS[3], ARGV[3]) or '0')
  if tonumber(ARGV[5]) > 0 and pat >= tonumber(ARGV[5]) then
    reason = 'trap_pattern'
  elseif ARGV[4] ~= '' and tonumber(ARGV[6]) > 0 and redis.call('SISMEMBER', KEYS[4], ARGV[4]) == 0
      and redis.call('SCARD', KEYS[4]) >= tonumber(ARGV[6]) then
    reason = 'trap_query'
  elseif tonumber(ARGV[7]) > 0 and tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[7]) then
    reason = 'max_pages'
  end
end
if reason ~= '' then
  redis.call('SREM', KEYS[1], ARGV[1])
  redis.call('HSETNX', KEYS[6], ARGV[1], reason)
  if redis.call('SADD', KEYS[7], ARGV[1]) == 1 then return '+' .. reason end
  return '-' .. reason
end
redis.call('INCR', KEYS[2])
redis.call('HINCRBY', KEYS[3], ARGV[3], 1)
if ARGV[4] ~= '' then redis.call('SADD', KEYS[4], ARGV[4]) end
redis.call('SADD', KEYS[5], ARGV[1])
return ''
"""

# A link target claimed (SADD target_seen) with what the loop asks next: 'seen' (another
# page has it); else, for a URL that is not http(s) (ARGV[2] = '1', a 'scheme' skip
# follows), the claim of its skipped row ('+' new, '-' written already); else its page skip
# reason ('skipped:REASON') or '' (not skipped).
_CLAIM_TARGET = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 'seen' end
if ARGV[2] == '1' then
  if redis.call('SADD', KEYS[3], ARGV[1]) == 1 then return '+' end
  return '-'
end
local skipped = redis.call('HGET', KEYS[2], ARGV[1])
if skipped then return 'skipped:' .. skipped end
return ''
"""


class SharedScope(Scope):
    """`Scope` whose trap counters live in Redis (one Lua script per admitted URL).

    `ctx`, while a page's links are followed: URL -> skip reason ('' admitted) of its
    claims made ahead (`_CLAIM_PAGE`), which `admit` returns without a round trip."""

    def __init__(self, scope: Scope, r, job: str):
        self.__dict__.update(scope.__dict__)
        self.r, self.job = r, job
        self._admit = r.register_script(_ADMIT)
        self.ctx: dict | None = None

    def claim_args(self, url: str, depth: int, keys: tuple) -> list:
        """EVALSHA arguments after the SHA of _CLAIM_PAGE for page candidate `url`;
        keys: (page_seen, target_seen, page_skipped, skipped_seen)."""
        parts = urlsplit(url)
        page_seen, target_seen, page_skipped, skipped_seen = keys
        return [7, page_seen, key(self.job, "pages"), key(self.job, "patterns"),
                key(self.job, f"q:{parts.hostname}{parts.path}"), target_seen, page_skipped, skipped_seen,
                url, self.refuse(url, parts, depth) or "", path_pattern(url), parts.query or "",
                self.max_per_pattern, self.max_query_variants, self.max_pages]

    def add_host(self, host: str) -> None:
        super().add_host(host)
        self.r.sadd(key(self.job, "hosts"), host.lower())

    def admit(self, url: str, depth: int) -> str | None:
        if self.ctx is not None:
            answer = self.ctx.pop(url, None)
            if answer is not None:
                return answer or None
        parts = urlsplit(url)
        reason = self.refuse(url, parts, depth)
        if reason:
            return reason
        keys = [key(self.job, "pages"), key(self.job, "patterns"),
                key(self.job, f"q:{parts.hostname}{parts.path}")]
        args = [path_pattern(url), parts.query or "", self.max_per_pattern, self.max_query_variants, self.max_pages]
        reason = self._admit(keys=keys, args=args)
        reason = reason.decode() if isinstance(reason, bytes) else reason
        return reason or None


class PageClaims:
    """Everything `PortalSpider._follow` will ask the shared state about one page, asked ahead
    in one go (`fill`) and answered (`take`) before the loop runs.

    The loop asks, per follow URL, `in page_seen` (a claim for page candidates that are not
    skipped), `in page_skipped`, `scope.admit`, then (admitted) `target_seen.add` or
    (refused) `page_skipped[url] = reason` and `in skipped_seen`; per link target `in
    target_seen` (a claim), then `in page_skipped` or, not http(s), `in skipped_seen`. The
    loop is given `record`: the page's record with only the URLs claimed here (`follow`,
    `_targets`); the others are URLs the loop would pass over without a question or a row
    (already members in this worker, claimed by another page's claims, skipped, not page
    candidates). Every URL claimed here is asked about by the loop, so no claim is left
    unused; the answers are the page's own (`SharedSet.ctx` ...) while the loop runs."""

    __slots__ = ("source", "record", "pages", "targets", "seen", "target", "skip_row", "unskipped", "admit",
                 "error", "sha_page", "sha_target", "keys")

    def __init__(self, spider: DistributedPortalSpider, record: dict, depth: int):
        self.source = record
        seen, skipped, targets, scope = spider.page_seen, spider.page_skipped, spider.target_seen, spider.scope
        ahead_pages, ahead_targets = spider.ahead_pages, spider.ahead_targets
        follow = []
        for raw in record.get("follow") or []:
            if not raw or not lc.is_link(raw):
                continue
            url = raw.split("#", 1)[0]
            if (url in seen.local or url in ahead_pages or dict.__contains__(skipped, url)
                    or not scope.is_page_candidate(url)):
                continue
            ahead_pages.add(url)
            follow.append(url)
        links = []
        for url in link_targets(record):
            if url in targets.local or url in ahead_targets:
                continue
            ahead_targets.add(url)
            links.append(url)
        self.record = dict(record, follow=follow, _targets=links)
        self.keys = (seen.name, targets.name, skipped.name, spider.skipped_seen.name)
        self.pages = [scope.claim_args(url, depth, self.keys) for url in follow]
        self.targets = [(url, "" if lc.is_http(url) else "1") for url in links]
        self.sha_page, self.sha_target = spider.sha_page, spider.sha_target
        self.seen: dict = {}
        self.target: dict = {}
        self.skip_row: dict = {}
        self.unskipped: set = set()
        self.admit: dict = {}
        self.error: BaseException | None = None

    def __bool__(self) -> bool:
        return bool(self.pages or self.targets)

    def fill(self, pipe) -> None:
        for args in self.pages:
            pipe.evalsha(self.sha_page, *args)
        _page_seen, target_seen, page_skipped, skipped_seen = self.keys
        for url, not_http in self.targets:
            pipe.evalsha(self.sha_target, 3, target_seen, page_skipped, skipped_seen, url, not_http)

    def take(self, answers: list, skipped: SharedSkips) -> None:
        answers = [a.decode() if isinstance(a, bytes) else a for a in answers]
        for answer in answers:
            if isinstance(answer, BaseException):
                self.error = answer
                return
        for args, answer in zip(self.pages, answers[:len(self.pages)], strict=True):
            url = args[8]
            if answer == "seen":
                self.seen[url] = True
            elif answer.startswith("skipped:"):
                self.seen[url] = None
                skipped.learn(url, answer[8:])
            else:
                self.seen[url] = False
                self.unskipped.add(url)
                self.admit[url] = answer[1:] if answer else ""
                if answer:
                    skipped.released.add(url)
                    self.skip_row[url] = answer[0] == "-"
                else:
                    self.target[url] = False  # claimed with the page (the loop's target_seen.add)
        for (url, not_http), answer in zip(self.targets, answers[len(self.pages):], strict=True):
            mine = self.admit.get(url)  # this page's own page claim of the URL
            if mine == "":
                continue  # admitted: the page claim took the target too (the target script saw a member)
            self.target[url] = answer == "seen"
            if answer == "seen":
                continue
            if not_http:
                self.skip_row[url] = answer == "-"
            elif answer.startswith("skipped:"):
                if mine is None:  # refused here: the loop records the reason itself, then asks
                    skipped.learn(url, answer[8:])
            else:
                self.unskipped.add(url)


# ---------------------------------------------------------------------------- the worker's spider


class DistributedPortalSpider(PortalSpider):
    """The portal spider with its cross-worker state in Redis (see the module docstring)."""

    name = "portal"

    def __init__(self, *args, redis_url: str, job: str, worker: str, exclusive: bool = False,
                 link: Link | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.redis_url, self.job, self.worker, self.exclusive = redis_url, job, worker, exclusive
        self.r = connect(redis_url)
        self.link = link or Link(redis_url)
        self.sha_page = self.link.load(_CLAIM_PAGE)
        self.sha_target = self.link.load(_CLAIM_TARGET)
        self.sha_take = self.link.load(_TAKE)
        self.scope = SharedScope(self.scope, self.r, job)
        self.page_seen = SharedSet(self.r, key(job, "page_seen"),
                                   claim_if=lambda u: self.scope.is_page_candidate(u) and u not in self.page_skipped)
        self.target_seen = SharedSet(self.r, key(job, "target_seen"))
        self.skipped_seen = SharedSet(self.r, key(job, "skipped_seen"))
        self.page_skipped = SharedSkips(self.r, key(job, "page_skipped"), self.page_seen)
        self.ahead_pages: set[str] = set()  # URLs in claims not yet followed (PageClaims)
        self.ahead_targets: set[str] = set()
        self.claimed: dict[int, PageClaims] = {}  # id(record) -> its claims, made after extraction
        self.home_final = False
        self._idle_since: float | None = None
        self.busy_marked = -BUSY_TTL  # monotonic time of the last busy mark
        self.marked = False  # this worker's busy mark may be in Redis
        self.looked = 0.0  # monotonic time of the last look at the stop mark / renewal of the hold
        self.stopping = False

    def _on_opened(self, spider):
        super()._on_opened(spider)
        self._poke = task.LoopingCall(self._tick)
        self._poke.start(0.1, now=False)

    def _on_closed(self, spider, reason):
        if getattr(self, "_poke", None) is not None and self._poke.running:
            self._poke.stop()
        super()._on_closed(spider, reason)
        self.link.close()
        self.r.delete(key(self.job, f"busy:{self.worker}"))
        if self.exclusive:
            self.r.eval(_RELEASE, 1, key(self.job, "owner"), self.worker)

    # -- shared home URLs and hosts (learnt from the start URL's redirects by one worker)

    def home_commands(self, pipe) -> None:
        pipe.smembers(key(self.job, "home"))
        pipe.smembers(key(self.job, "hosts"))
        pipe.get(key(self.job, "home_final"))

    def take_home(self, home, hosts, final) -> None:
        if isinstance(home, BaseException) or isinstance(hosts, BaseException):
            return
        self.home_urls.update(v.decode() for v in home)
        self.scope.hosts.update(v.decode() for v in hosts)
        self.home_final = self.home_final or bool(final)

    def _publish_home(self) -> None:
        pipe = self.r.pipeline(transaction=False)
        pipe.sadd(key(self.job, "home"), *self.home_urls)
        pipe.sadd(key(self.job, "hosts"), *self.scope.hosts)
        if self.start_redirect:
            pipe.set(key(self.job, "start_redirect"), self.start_redirect)
        pipe.set(key(self.job, "home_final"), 1)
        pipe.execute()
        self.home_final = True

    async def start(self):
        # the first worker seeds the crawl; the others take requests from the shared queue
        if not self.r.set(key(self.job, "seeded"), self.worker, nx=True):
            return
        self.r.set(key(self.job, f"busy:{self.worker}"), 1, px=int(BUSY_TTL * 1000))
        self.busy_marked, self.marked = time.monotonic(), True
        async for out in super().start():
            yield out

    # -- a page's claims, made while the reactor goes on with other pages

    def _after_extract(self, record: dict, st: dict):
        """PortalSpider's hook: claim this page's URLs through the link; the callback awaits
        the answers before it makes the page's outputs (`_follow` takes them)."""
        claims = PageClaims(self, record, (st.get("depth") or 0) + 1)
        self.claimed[id(record)] = claims
        if not claims:
            return None
        future = asyncio.get_running_loop().create_future()

        def done(answers):
            claims.take(answers, self.page_skipped)
            if not future.done():
                future.set_result(None)

        self.link.submit(claims.fill, done, work=True)
        return future

    def _follow(self, record: dict, page_url: str, st: dict):
        if st.get("url0") == self.start_url and not self.home_final:
            self._publish_home()  # before any request of another worker can depend on it
        claims = self.claimed.pop(id(record), None)
        if claims is None or claims.source is not record or claims.error is not None:
            if claims is not None:
                self._forget(claims)
            claims = PageClaims(self, record, (st.get("depth") or 0) + 1)  # not claimed ahead: now
            if claims:
                pipe = self.r.pipeline(transaction=False)
                claims.fill(pipe)
                claims.take(pipe.execute(raise_on_error=False), self.page_skipped)
                if claims.error is not None:
                    self._forget(claims)
                    raise claims.error
        self._use(claims)
        try:
            outputs = list(super()._follow(claims.record, page_url, st))
        finally:
            self._use(None)
            self._forget(claims)
        yield from outputs

    def _use(self, claims: PageClaims | None) -> None:
        """Make `claims` the answers the shared state gives (None: no page's)."""
        none = claims is None
        self.page_seen.ctx = None if none else claims.seen
        self.target_seen.ctx = None if none else claims.target
        self.skipped_seen.ctx = None if none else claims.skip_row
        self.page_skipped.ctx = None if none else claims.unskipped
        self.scope.ctx = None if none else claims.admit

    def _forget(self, claims: PageClaims) -> None:
        self.ahead_pages.difference_update(claims.record["follow"])
        self.ahead_targets.difference_update(claims.record["_targets"])

    # -- when is the shared crawl over?

    def busy(self) -> bool:
        engine = self.crawler.engine
        try:
            active = bool(engine.downloader.active) or not engine.scraper.slot.is_idle()
        except Exception:  # noqa: BLE001 - engine not ready / closing
            active = True
        parked = any(h["parked"] for h in self.hosts.values())
        slot = engine._slot  # noqa: SLF001
        scheduler = slot.scheduler if slot is not None else None
        held = any(getattr(scheduler, name, None) for name in ("local", "taken", "outbox"))
        quick = bool(getattr(self, "quick_tasks", None))  # HEAD checks beside Scrapy (crawler/quickcheck.py)
        return active or parked or bool(self.later) or held or quick or self.link.work > 0

    def _tick(self) -> None:
        engine = self.crawler.engine
        slot = engine._slot if engine is not None else None  # noqa: SLF001
        now = time.monotonic()
        busy = self.busy()
        mark = busy and now - self.busy_marked >= BUSY_TTL / 3
        # idle: the mark goes now, not when it expires, so that the other workers see the end
        # of the crawl at once; not while a take is out (it marks busy if it pops requests)
        unmark = (not busy and self.marked and not getattr(slot and slot.scheduler, "taking", False)
                  and not self.link.pending)
        look = now - self.looked >= 1.0
        if mark or unmark or look:
            busy_key, stop_key, owner_key = (key(self.job, f"busy:{self.worker}"), key(self.job, "stop"),
                                             key(self.job, "owner"))
            ttl, worker, exclusive = int(BUSY_TTL * 1000), self.worker, self.exclusive
            if mark:
                self.busy_marked, self.marked = now, True
            if unmark:
                self.busy_marked, self.marked = -BUSY_TTL, False
            if look:
                self.looked = now

            def fill(pipe):
                if mark:
                    pipe.set(busy_key, 1, px=ttl)
                if unmark:
                    pipe.delete(busy_key)
                if look:
                    pipe.exists(stop_key)
                    if exclusive:
                        pipe.eval(_RENEW, 1, owner_key, worker, int(OWNER_TTL * 1000))

            at = 1 if mark or unmark else 0
            self.link.submit(fill, (lambda answers: self._looked(answers[at])) if look else None)
        if slot is not None:
            slot.nextcall.schedule()  # pull from the shared queue now, not in 5 s

    def _looked(self, stop) -> None:
        if isinstance(stop, int) and stop:
            if not self.stopping:
                self.stopping = True  # the coordinator was interrupted: Scrapy's graceful stop
                os.kill(os.getpid(), signal.SIGINT)

    def others_busy(self) -> bool:
        mine = key(self.job, f"busy:{self.worker}").encode()
        return any(k != mine for k in self.r.scan_iter(match=key(self.job, "busy:*"), count=100))

    def _on_idle(self, spider):
        super()._on_idle(spider)  # delayed retries, lost probes
        slot = self.crawler.engine._slot  # noqa: SLF001
        scheduler = slot.scheduler if slot is not None else None
        if getattr(scheduler, "taking", False):
            self.link.wait()  # a take is out: the requests it may have popped, in hand first
        if (getattr(scheduler, "taken", None) or self.r.zcard(key(self.job, "requests"))
                or self.others_busy()):
            self._idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self._idle_since is None:
            self._idle_since = now
        if now - self._idle_since < 0.3:  # idle on two looks, 0.3 s apart
            raise DontCloseSpider


# Take up to ARGV[1] requests off the shared queue; a worker that takes any is marked busy in
# the same step (no moment where the queue is empty and the requests are in nobody's hands).
_TAKE = """
local items = redis.call('ZPOPMIN', KEYS[1], ARGV[1])
if #items > 0 then redis.call('SET', KEYS[2], 1, 'PX', ARGV[2]) end
return items
"""


def _method_name(spider, func):
    """The name of the spider method `func` (Request.to_dict's answer, found directly)."""
    if not callable(func):
        return func
    name = getattr(func, "__name__", None)
    bound = getattr(spider, name, None) if name else None
    if bound is not None and getattr(bound, "__func__", None) is getattr(func, "__func__", func):
        return name
    from scrapy.http.request import _find_method

    return _find_method(spider, func)


class Scheduler(RedisScheduler):
    """scrapy-redis's scheduler, plus a local queue for what must stay in this worker: the
    soft-404 probes (their answer completes judgements parked here) and the start URL's
    redirect chain (it decides the home URLs and hosts the other workers then load).

    Through the spider's `Link`, without waiting: the requests a callback yields are sent
    together (one ZADD, at the end of the reactor turn or before the next take), and
    requests are taken `TAKE` at a time (ZPOPMIN, lowest score = shallowest first, as
    scrapy-redis's PriorityQueue), the next ones asked for while `LOW` are left in hand."""

    TAKE = 16
    LOW = 4
    EMPTY_PAUSE = 0.05  # seconds without asking again after the shared queue answered empty

    def open(self, spider):
        self.local: deque = deque()
        self.taken: deque = deque()
        self.outbox: list = []  # score, encoded request, score, ...
        self.spider = spider
        self.link: Link = spider.link
        self.taking = False  # a take is out
        self._send_call = None
        self._empty_at = -1.0
        return super().open(spider)

    def close(self, reason):
        self.send()
        self.link.wait()
        return super().close(reason)

    def __len__(self):
        return len(self.local) + len(self.taken) + len(self.outbox) // 2 + len(self.queue)

    def _is_local(self, request) -> bool:
        st = request.meta.get("xxgk") or {}
        return st.get("role") == "probe" or st.get("url0") == getattr(self.spider, "start_url", None)

    def enqueue_request(self, request):
        if self._is_local(request):
            self.local.append(request)
            return True
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis", spider=self.spider)
        self.outbox += (-request.priority, self._encode(request))
        if self._send_call is None:
            from twisted.internet import reactor

            self._send_call = reactor.callLater(0, self.send)
        return True

    def _encode(self, request) -> bytes:
        """`request.to_dict(spider=...)` serialised as scrapy-redis does, without its search
        of the spider's methods (inspect.getmembers, twice per request) for the callback names."""
        spider = self.spider
        d = {"url": request.url, "callback": _method_name(spider, request.callback),
             "errback": _method_name(spider, request.errback), "headers": dict(request.headers)}
        for attr in request.attributes:
            d.setdefault(attr, getattr(request, attr))
        if type(request) is not Request:
            d["_class"] = request.__module__ + "." + request.__class__.__name__
        return self.queue.serializer.dumps(d)

    def send(self) -> None:
        """Hand the requests waiting in the outbox to the link (one ZADD)."""
        if self._send_call is not None:
            if self._send_call.active():
                self._send_call.cancel()
            self._send_call = None
        if self.outbox:
            args, name = self.outbox, self.queue.key
            self.outbox = []
            self.link.submit(lambda pipe: pipe.execute_command("ZADD", name, *args), self._sent, work=True)

    def _sent(self, answers) -> None:
        if isinstance(answers[0], BaseException):
            logger.error("requests could not be queued in Redis: %r", answers[0])

    def next_request(self):
        if self.local:
            return self.local.popleft()
        if len(self.taken) <= self.LOW:
            self._take_more()
        if not self.taken:
            return None
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis", spider=self.spider)
        return self.taken.popleft()

    def _take_more(self) -> None:
        if self.taking:
            return
        now = time.monotonic()
        if not self.outbox and now - self._empty_at < self.EMPTY_PAUSE:
            return
        self.send()  # ours first: the take may return them
        self.taking = True
        spider = self.spider
        home = not spider.home_final
        queue, busy, sha = self.queue.key, key(spider.job, f"busy:{spider.worker}"), spider.sha_take
        n, ttl = self.TAKE, int(BUSY_TTL * 1000)

        def fill(pipe):
            pipe.evalsha(sha, 2, queue, busy, n, ttl)
            if home:  # after the pop: a request pushed after the home URLs were published sees them
                spider.home_commands(pipe)

        self.link.submit(fill, self._took)

    def _took(self, answers) -> None:
        self.taking = False
        spider = self.spider
        if len(answers) == 4:
            spider.take_home(*answers[1:])
        items = answers[0]
        now = time.monotonic()
        if isinstance(items, BaseException):
            logger.error("could not take requests from Redis: %r", items)
            self._empty_at = now
            return
        if not items:
            self._empty_at = now
            return
        spider.busy_marked, spider.marked = now, True
        for data in items[0::2]:  # member, score, member, score ...
            self.taken.append(self.queue._decode_request(data))  # noqa: SLF001
        spider._wake()  # noqa: SLF001 - the engine asks for them now

    def has_pending_requests(self):
        # not `taking`: a take is out each 0.1 s while the queue is empty (_tick), the spider
        # would never look idle; _on_idle waits for an outstanding take before it decides
        return (bool(self.local) or bool(self.taken) or bool(self.outbox) or self.link.work > 0
                or len(self.queue) > 0)


class RowsPipeline(StorePipeline):
    """The store pipeline sending its batches through the spider's link to Redis
    (`xxgk:{job}:rows`, pickled) for the coordinator."""

    @classmethod
    def from_crawler(cls, crawler):
        pipe = super().from_crawler(crawler)
        pipe.rows_key = key(crawler.settings.get("XXGK_JOB"), "rows")
        pipe.batch_rows = int(os.environ.get("XXGK_WORKER_BATCH_ROWS") or WORKER_BATCH_ROWS)
        return pipe

    def open_spider(self, spider=None):
        self.db = None

    @property
    def link(self) -> Link:
        return self.crawler.spider.link

    def flush(self) -> None:
        self.last_flush = time.monotonic()
        if not self.pending:
            return
        batch = {table: rows for table, rows in self.buffers.items() if rows}
        data = pickle.dumps({"rows": batch}, protocol=pickle.HIGHEST_PROTOCOL)
        name = self.rows_key
        self.link.submit(lambda pipe: pipe.rpush(name, data), self._sent, work=True)
        for table, rows in batch.items():
            self.counts[table] += len(rows)
        self.buffers = {name: [] for name in TABLES}
        self.reused.clear()  # workers crawl in full (no previous run to copy from)
        self.pending = 0

    @staticmethod
    def _sent(answers) -> None:
        if isinstance(answers[0], BaseException):
            logger.error("a row batch could not be sent to Redis: %r", answers[0])

    def close_spider(self, spider=None):
        self.flush()
        spider = spider or getattr(self.crawler, "spider", None)
        scrapy_stats = spider.crawler.stats.get_stats() if spider is not None else {}
        counters = dict(getattr(spider, "counters", {}) or {})
        stats = {**counters, **{t: self.counts[t] for t in ("pages", "links", "targets")},
                 "requests": scrapy_stats.get("downloader/request_count", 0),
                 "bytes": scrapy_stats.get("downloader/response_bytes", 0),
                 "started": str(scrapy_stats.get("start_time")), "closed": time.time(),
                 "interrupted": bool(getattr(spider, "interrupted", False)),
                 "round_trips": self.link.round_trips}
        if spider is not None:
            spider.final_stats = stats
        data = pickle.dumps({"worker": getattr(spider, "worker", "?"), "stats": stats})
        name = self.rows_key
        self.link.submit(lambda pipe: pipe.rpush(name, data), self._sent, work=True)
        self.link.wait()  # the rows, then the stats, are in Redis before the worker ends


def worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:4]}"


def run_worker_child(redis_url: str, job: str) -> int:
    """One worker's crawl of `job`, in this process (starts the reactor: once per process)."""
    from scrapy.crawler import CrawlerProcess

    from crawler.settings import settings_from_profile

    r = connect(redis_url)
    raw = r.get(key(job, "job"))
    if raw is None:
        return 0  # the job is over
    spec = json.loads(raw)
    profile = spec["profile"]
    overrides = dict(spec.get("overrides") or {}, job_dir=None)
    settings = settings_from_profile(profile, overrides)
    settings.pop("JOBDIR", None)
    settings.update(
        XXGK_DB_PATH=None, XXGK_RUN_ID=spec["run_id"], XXGK_JOB=job, REDIS_URL=redis_url,
        SCHEDULER="crawler.distributed.Scheduler", SCHEDULER_PERSIST=True,
        SCHEDULER_QUEUE_KEY=key(job, "requests"), SCHEDULER_QUEUE_CLASS="scrapy_redis.queue.PriorityQueue",
        SCHEDULER_DUPEFILTER_KEY=key(job, "dupefilter"), DUPEFILTER_CLASS="scrapy_redis.dupefilter.RFPDupeFilter",
        ITEM_PIPELINES={"crawler.distributed.RowsPipeline": 300},
    )
    extract_workers = os.environ.get("XXGK_WORKER_EXTRACT_WORKERS")
    if extract_workers is not None:
        settings["XXGK_EXTRACT_WORKERS"] = int(extract_workers)
    process = CrawlerProcess(settings, install_root_handler=True)
    crawler = process.create_crawler(DistributedPortalSpider)
    process.crawl(crawler, start_url=spec["start_url"], profile=profile, run_id=spec["run_id"],
                  max_pages=overrides.get("max_pages"), external_cache={}, resume=False, previous_run=None,
                  redis_url=redis_url, job=job, worker=os.environ.get("XXGK_WORKER_ID") or worker_id(),
                  exclusive=bool(spec.get("exclusive")))
    process.start()
    return 0


def _child_env() -> dict:
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def local_extract_workers(workers: int) -> int:
    """Extraction processes (crawler/extract_pool.py) for each of `workers` local workers.

    One process already keeps about two cores busy (the crawl, and the extraction process
    that parses its pages): local workers share this machine's cores, so N workers get
    (cores - N) // N extraction processes each, at most 2 (extract_pool's own cap), 0 when
    the workers alone fill the cores (2 workers on 2 cores extract in-process: 4 busy
    processes on 2 cores only add switching and pickling). `XXGK_WORKER_EXTRACT_WORKERS`
    or `XXGK_EXTRACT_WORKERS` in the environment wins."""
    for name in ("XXGK_WORKER_EXTRACT_WORKERS", "XXGK_EXTRACT_WORKERS"):
        value = os.environ.get(name, "").strip()
        if value.isdigit():
            return int(value)
    cores = os.cpu_count() or 1
    return max(0, min(2, (cores - workers) // max(1, workers)))


def spawn_worker(redis_url: str, job: str, extract_workers: int | None = None, *, worker: str | None = None,
                 **popen) -> subprocess.Popen:
    """A worker process for `job` (`python -m crawler.distributed REDIS_URL JOB`);
    `extract_workers`: its extraction processes (None: extract_pool's default for this machine);
    `worker`: its id (the holder of an exclusive job)."""
    env = _child_env()
    if extract_workers is not None:
        env["XXGK_WORKER_EXTRACT_WORKERS"] = str(extract_workers)
    if worker:
        env["XXGK_WORKER_ID"] = worker
    argv = [sys.executable, "-m", "crawler.distributed", redis_url, job]
    if os.environ.get("XXGK_CRAWL_PROFILE"):  # as crawler.run: profile each worker (FILE.<pid of the spawner>.<n>)
        spawn_worker.count = getattr(spawn_worker, "count", 0) + 1
        argv[1:1] = ["-m", "cProfile", "-o", f"{os.environ['XXGK_CRAWL_PROFILE']}.{os.getpid()}.{spawn_worker.count}"]
    return subprocess.Popen(argv, env=env, **popen)


def _takeable(r, job: str, spec: dict) -> bool:
    """An exclusive job (a batch's site) nobody holds that still has work: not started yet,
    or requests left in its queue by a worker that died (the next worker continues it)."""
    pipe = r.pipeline(transaction=False)
    pipe.exists(key(job, "owner"))
    pipe.exists(key(job, "stop"))
    pipe.exists(key(job, "seeded"))
    pipe.zcard(key(job, "requests"))
    owner, stop, seeded, queued = pipe.execute()
    return bool(spec) and not owner and not stop and (not seeded or queued > 0)


def run_worker(redis_url: str, *, idle_exit: float | None = None, once: bool = False,
               echo: Callable[[str], None] | None = None, until: str | None = None) -> int:
    """`xxgk worker`: take the announced jobs in turn; each crawl runs in a child process.

    A shared job (`xxgk audit --redis`) is joined once; an exclusive one (a site of
    `xxgk batch --redis`) is taken by one worker at a time (`xxgk:{job}:owner`, renewed by
    the crawl while it runs; a killed worker's hold expires after OWNER_TTL s and the site
    is taken again, see `_takeable`). Jobs are taken in the order they were announced.
    Returns after `idle_exit` seconds without a job (None: wait for ever), after one job
    with `once`, or once the key `until` is gone or the parent process with it (the local
    workers of a batch). Returns the number of jobs joined."""
    say = echo or (lambda _m: None)
    r = connect(redis_url)
    r.ping()
    joined, idle_from = 0, time.monotonic()
    done: set[str] = set()
    parent = os.getppid()
    while True:
        if until is not None and (not r.exists(until) or os.getppid() != parent):
            return joined
        ids = [j.decode() for j in r.smembers(JOBS)]
        specs = dict(zip(ids, r.mget([key(j, "job") for j in ids]) if ids else [], strict=True))
        specs = {j: json.loads(raw) for j, raw in specs.items() if raw}
        order = sorted(specs, key=lambda j: (specs[j].get("order") or [specs[j].get("created") or 0], j))
        job, holder = None, None
        for candidate in order:
            spec = specs[candidate]
            if not spec.get("exclusive"):
                if candidate not in done:
                    job = candidate
                    break
                continue
            if _takeable(r, candidate, spec):
                holder = worker_id()
                if r.set(key(candidate, "owner"), holder, nx=True, px=int(OWNER_TTL * 1000)):
                    job = candidate
                    break
        if job is None:
            if idle_exit is not None and time.monotonic() - idle_from > idle_exit:
                return joined
            time.sleep(0.5)
            continue
        spec = specs[job]
        say(f"{'taking site' if holder else 'joining job'} {job}: {spec.get('start_url')}")
        proc = spawn_worker(redis_url, job, worker=holder)
        try:
            code = proc.wait()
        finally:
            if holder:  # the crawl releases its hold when it ends; not when it was killed
                r.eval(_RELEASE, 1, key(job, "owner"), holder)
        say(f"job {job}: worker exited {code}")
        done.add(job)
        joined += 1
        idle_from = time.monotonic()
        if once:
            return joined


def spawn_loop_worker(redis_url: str, until: str, **popen) -> subprocess.Popen:
    """A local `xxgk worker` (run_worker) that returns once the key `until` is gone."""
    return subprocess.Popen([sys.executable, "-m", "crawler.distributed", "--loop", redis_url, until],
                            env=_child_env(), **popen)


# ---------------------------------------------------------------------------- the coordinator


def _write_batch(conn: sqlite3.Connection, run_id: int, batch: dict) -> dict[str, int]:
    counts = {}
    with conn:
        for table, rows in batch.items():
            columns, verb = TABLES[table]
            if columns[0] == "run_id" and any(row[0] != run_id for row in rows):
                rows = [[run_id, *row[1:]] for row in rows]
            marks = ", ".join("?" * len(columns))
            conn.executemany(f"{verb} INTO [{table}] ({', '.join(columns)}) VALUES ({marks})", rows)
            counts[table] = len(rows)
    return counts


def cleanup(r, job: str) -> None:
    r.srem(JOBS, job)
    names = list(r.scan_iter(match=f"xxgk:{job}:*", count=1000))
    for i in range(0, len(names), 500):
        r.delete(*names[i:i + 500])


def crawl_distributed(
    db: Any,
    run_id: int,
    start_url: str,
    profile: dict,
    *,
    redis_url: str,
    workers: int = 2,
    max_pages: int | None = None,
    concurrency: int | None = None,
    delay: float | None = None,
    ignore_robots: bool = False,
    on_progress: Callable[[dict], None] | None = None,
    on_workers: Callable[[list[subprocess.Popen]], None] | None = None,
    repair: bool = True,
    exclusive: bool = False,
    order: list | None = None,
    stop: Any = None,
    announced: Any = None,
) -> dict:
    """Crawl `start_url` into run `run_id` with `workers` local worker processes (0: only
    `xxgk worker` processes elsewhere) sharing one Redis queue; return the crawl counters.

    Same contract as `crawler.run.crawl` (minus incremental and --job-dir). The coordinator
    writes every row; when the crawl is over and a worker was lost (died, or rows claimed
    in Redis never arrived), the resume pass (`crawl(..., resume=True)`) fetches what is
    missing, so the run ends complete.

    `exclusive`: one `xxgk worker` at a time crawls it (a site of `xxgk batch --redis`;
    `order` sorts the announced jobs for the workers); `stop` (a threading.Event): set, the
    crawl stops as on Ctrl-C (the workers are told through `xxgk:{job}:stop`); `announced` (a
    threading.Event) is set once the job is in Redis."""
    from crawler.run import _db_path, _write_stats, crawl

    path = _db_path(db)
    # row batches are ~2 MB: read in one piece (redis-py reads 64 KB at a time by default,
    # ~4x the CPU for such replies; small replies cost no more)
    r = connect(redis_url, socket_read_size=4 << 20)
    r.ping()
    job = uuid.uuid4().hex[:12]
    overrides = {"max_pages": max_pages, "concurrency": concurrency, "delay": delay, "ignore_robots": ignore_robots}
    spec = {"run_id": run_id, "start_url": start_url, "profile": dict(profile), "overrides": overrides,
            "created": time.time(), "exclusive": bool(exclusive), "order": order}
    r.set(key(job, "job"), json.dumps(spec, ensure_ascii=False, default=str))
    r.sadd(JOBS, job)
    if announced is not None:
        announced.set()
    import tempfile

    logs = [tempfile.TemporaryFile() for _ in range(workers)]  # Scrapy's log (level ERROR) of each worker
    extract = local_extract_workers(workers)
    procs = [spawn_worker(redis_url, job, extract, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
             for log in logs]
    if on_workers is not None:
        on_workers(procs)
    # a long timeout: in a batch, another site's columns/rules may hold the write lock a while
    conn = sqlite3.connect(path, timeout=600)
    conn.execute("PRAGMA synchronous=NORMAL")
    rows_key = key(job, "rows")
    totals = dict.fromkeys(TABLES, 0)
    worker_stats: list[dict] = []
    started = time.monotonic()
    last_progress = 0.0
    quiet_since: float | None = None
    interrupted = False
    timing: dict[str, float] = {}  # seconds after `started`: first and last message, end of the crawl

    def drain(timeout: float) -> bool:
        got = r.blpop([rows_key], timeout=timeout)
        if got is None:
            return False
        message = pickle.loads(got[1])  # noqa: S301 - the crawl's Redis is trusted (module docstring)
        timing.setdefault("first_rows", round(time.monotonic() - started, 2))
        timing["last_rows"] = round(time.monotonic() - started, 2)
        if "rows" in message:
            for table, n in _write_batch(conn, run_id, message["rows"]).items():
                totals[table] += n
        elif "stats" in message:
            worker_stats.append(dict(message["stats"], worker=message.get("worker")))
        return True

    seeded_seen = False

    def active() -> bool:
        return (any(True for _ in r.scan_iter(match=key(job, "busy:*"), count=100))
                or bool(r.exists(key(job, "owner"))))

    try:
        while True:
            if stop is not None and stop.is_set():
                raise KeyboardInterrupt
            got = drain(0.1 if seeded_seen else 1.0)  # a batch's queued sites wait quietly
            now = time.monotonic()
            if on_progress is not None and now - last_progress >= 1.0:
                last_progress = now
                elapsed = now - started
                on_progress({"pages": totals["pages"], "links_checked": totals["targets"],
                             "queued": int(r.zcard(key(job, "requests"))), "errors": 0,
                             "skipped": totals["skipped"], "rate": round(totals["pages"] / max(elapsed, 1e-6), 2),
                             "elapsed": round(elapsed, 2), "workers": workers})
            if got:
                quiet_since = None
                continue
            local_running = any(p.poll() is None for p in procs)
            seeded = seeded_seen = r.exists(key(job, "seeded"))
            busy = active()  # a worker crawling it; or, exclusive, holding it
            pending = r.zcard(key(job, "requests")) or r.llen(rows_key)
            if local_running or not seeded or busy or pending:
                quiet_since = None
                if workers and not local_running and not seeded:
                    break  # every local worker died before seeding: the repair pass crawls
                continue
            # quiet for a moment: local workers are gone (they exit once everything is sent)
            # and joined ones hold no work (a take marks its worker busy in the same step)
            quiet_since = quiet_since or now
            if now - quiet_since >= (0.25 if workers else 1.0):
                break
    except KeyboardInterrupt:
        interrupted = True
        r.set(key(job, "stop"), 1)  # joined workers stop too (DistributedPortalSpider._tick)
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
        for p in procs:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (drain(0.2) or active()):
            pass  # what the joined workers read before they stopped
    while drain(0.05):
        pass
    timing["crawled"] = round(time.monotonic() - started, 2)
    for p in procs:
        if p.poll() is None:
            p.wait()
    claimed = (len(SharedSet(r, key(job, "target_seen"))), len(SharedSet(r, key(job, "skipped_seen"))))
    stored = (conn.execute("SELECT count(*) FROM targets WHERE run_id = ?", [run_id]).fetchone()[0],
              conn.execute("SELECT count(DISTINCT url) FROM skipped WHERE run_id = ?", [run_id]).fetchone()[0])
    failed = [p.returncode for p in procs if p.returncode != 0]
    errors = []
    for p, log in zip(procs, logs, strict=True):
        if p.returncode not in (0, -signal.SIGKILL):
            log.seek(0)
            errors.append(f"worker exit {p.returncode}: " + log.read()[-2000:].decode("utf-8", "replace"))
        log.close()
    requests = sum(int(s.get("requests") or 0) for s in worker_stats)
    start_redirect = r.get(key(job, "start_redirect"))
    conn.close()
    cleanup(r, job)

    stats: dict = {"workers": workers, "extract_workers": extract, "worker_stats": worker_stats, "lost_workers": len(failed),
                   "claimed": list(claimed), "stored": list(stored), "worker_errors": errors, "start_redirect": start_redirect.decode() if start_redirect else None,
                   "timing": timing}
    if interrupted:
        stats["interrupted"] = True
    elif repair and (failed or claimed != stored or not worker_stats):
        # something claimed was never written: continue the run as a resumed crawl
        extra = crawl(path, run_id, start_url, profile, max_pages=max_pages, concurrency=concurrency, delay=delay,
                      ignore_robots=ignore_robots, resume=True)
        requests += int(extra.get("requests") or 0)
        stats["repaired"] = {"requests": extra.get("requests"), "refetch": extra.get("refetch")}
        stats["interrupted"] = bool(extra.get("interrupted"))
    conn = sqlite3.connect(path, timeout=30)
    try:
        for table in ("pages", "links", "targets"):
            stats[table] = conn.execute(f"SELECT count(*) FROM {table} WHERE run_id = ?", [run_id]).fetchone()[0]
        stats["skipped"] = dict(conn.execute("SELECT reason, count(*) FROM skipped WHERE run_id = ? GROUP BY reason",
                                             [run_id]).fetchall())
        stats["outcomes"] = dict(conn.execute("SELECT outcome, count(*) FROM targets WHERE run_id = ? "
                                              "GROUP BY outcome", [run_id]).fetchall())
    finally:
        conn.close()
    stats["requests"] = requests
    stats["errors"] = sum(n for o, n in stats["outcomes"].items()
                          if o not in ("ok", "redirect", "blocked", "not_checked", "ignored"))
    stats["seconds"] = round(time.monotonic() - started, 2)
    stats["finish_reason"] = "interrupted" if stats.get("interrupted") else "finished"
    stats.setdefault("interrupted", False)
    _write_stats(db, path, run_id, stats)
    return stats


if __name__ == "__main__":
    if sys.argv[1] == "--loop":
        run_worker(sys.argv[2], until=sys.argv[3])
        sys.exit(0)
    from crawler.run import leave

    leave(run_worker_child(sys.argv[1], sys.argv[2]))  # rows and stats are in Redis by now
