{% autoescape off %}// Buurtmakelaar's service worker (config/pwa.py renders this file at /sw.js).
//
// It keeps the static files (CSS, JavaScript, images) so that pages open fast and the
// offline page has its look, in a cache named after the static files' version: a deploy
// that changes a file brings a new worker, which deletes the older caches when it takes
// over. It never keeps a page with someone's data: a navigation always goes to the
// network, and only when that fails does the worker answer with the offline page. The
// API, forms (POST) and every other request are left alone.
'use strict'

const CONFIG = {{ config }}

self.addEventListener('install', function (event) {
  event.waitUntil((async function () {
    const cache = await caches.open(CONFIG.cache)
    await cache.addAll(CONFIG.precache.concat([CONFIG.offline]))
    await self.skipWaiting()
  })())
})

self.addEventListener('activate', function (event) {
  event.waitUntil((async function () {
    const names = await caches.keys()
    await Promise.all(names
      .filter(function (name) { return name.startsWith(CONFIG.cachePrefix) && name !== CONFIG.cache })
      .map(function (name) { return caches.delete(name) }))
    await self.clients.claim()
  })())
})

self.addEventListener('fetch', function (event) {
  const request = event.request
  if (request.method !== 'GET') {
    return
  }
  const url = new URL(request.url)
  if (url.origin !== self.location.origin) {
    return
  }
  if (url.pathname.startsWith(CONFIG.static)) {
    event.respondWith(staticFile(request))
  } else if (request.mode === 'navigate') {
    event.respondWith(pageOrOffline(request))
  }
  // Anything else (htmx fragments, the API, downloads, calendar feeds): the network only.
})

// The offline page is in the language of the person who opened it last: a page tells the
// worker its language (static/js/pwa.js) and the worker fetches the page again when the
// kept one is in another.
self.addEventListener('message', function (event) {
  const data = event.data || {}
  if (data.type !== 'language' || typeof data.lang !== 'string') {
    return
  }
  event.waitUntil((async function () {
    const cache = await caches.open(CONFIG.cache)
    const kept = await cache.match(CONFIG.offline, { ignoreVary: true })
    if (kept && kept.headers.get('Content-Language') === data.lang) {
      return
    }
    try {
      await cache.add(CONFIG.offline)
    } catch (error) {
      // Offline right now: keep the one we have.
    }
  })())
})

async function staticFile (request) {
  const cache = await caches.open(CONFIG.cache)
  const kept = await cache.match(request, { ignoreVary: true })
  if (kept) {
    return kept
  }
  const response = await fetch(request)
  if (response.ok && response.type === 'basic') {
    await cache.put(request, response.clone())
  }
  return response
}

async function pageOrOffline (request) {
  try {
    return await fetch(request)
  } catch (error) {
    const cache = await caches.open(CONFIG.cache)
    const offline = await cache.match(CONFIG.offline, { ignoreVary: true })
    return offline || Response.error()
  }
}
{% endautoescape %}
