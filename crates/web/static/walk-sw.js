// The door-knocking app's service worker. It keeps the app's page, its
// script and style, and each walk list's data, so a walker can reload the
// page with no signal. Online, the network always answers first; the copy
// is for when it cannot. Nothing else passes through it.
'use strict';

const CACHE = 'tredegar-walks';

function kept(url) {
  return url.origin === self.location.origin &&
    (/^\/g\/[^/]+\/walks\/[^/]+\/app(\/data)?$/.test(url.pathname) ||
     url.pathname === '/static/walk.js' || url.pathname === '/static/app.css');
}

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !kept(new URL(request.url))) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      // A signed-out walker is sent to sign in; that is no page to keep.
      if (response.ok) {
        await cache.put(request, response.clone());
      } else if (response.status === 404) {
        // The list closed, or is no longer theirs: forget its page and doors.
        const page = request.url.replace(/\/data$/, '');
        await Promise.all([cache.delete(page), cache.delete(`${page}/data`)]);
      }
      return response;
    } catch (offline) {
      const copy = await cache.match(request, { ignoreVary: true });
      if (copy) return copy;
      throw offline;
    }
  })());
});
