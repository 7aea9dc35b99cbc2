// Registers the service worker (/sw.js, see config/pwa.py) so that the site can be put on
// a phone's home screen and shows a page of its own when there is no network. Its address
// and scope come from the <script> tag (data-service-worker, data-scope).
(function () {
  const script = document.currentScript
  if (!script || !('serviceWorker' in navigator)) {
    return
  }
  const url = script.getAttribute('data-service-worker')
  const scope = script.getAttribute('data-scope') || '/'

  window.addEventListener('load', function () {
    navigator.serviceWorker.register(url, { scope: scope }).catch(function () {
      // Not allowed here (plain http on another host than localhost) or offline: the
      // site works the same without it.
    })
  })

  // Keep the offline page in the language of this page.
  navigator.serviceWorker.ready.then(function (registration) {
    if (registration.active) {
      registration.active.postMessage({ type: 'language', lang: document.documentElement.lang })
    }
  })
})()
