"""Redis cache that degrades instead of failing when Redis cannot be reached.

The cache only holds things that can be recomputed (portfolio figures, rendered charts, the
portfolio version), so with Redis down the site carries on without it: reads miss, writes are
dropped, and a warning is logged. Short socket timeouts keep a dead Redis from stalling pages.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _tolerant(fallback=None):
    """Call the cache method; if Redis cannot be reached, log it and return ``fallback``."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                logger.warning("Cache unavailable, carrying on without it (%s): %s", method.__name__, error)
                return fallback

        return wrapper

    return decorate


class ResilientRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            logger.warning("Cache unavailable, carrying on without it (get): %s", error)
            return default

    get_many = _tolerant({})(RedisCache.get_many)
    has_key = _tolerant(False)(RedisCache.has_key)
    set = _tolerant()(RedisCache.set)
    set_many = _tolerant([])(RedisCache.set_many)
    add = _tolerant(False)(RedisCache.add)
    touch = _tolerant(False)(RedisCache.touch)
    delete = _tolerant(False)(RedisCache.delete)
    delete_many = _tolerant()(RedisCache.delete_many)
    incr = _tolerant()(RedisCache.incr)
    clear = _tolerant()(RedisCache.clear)
