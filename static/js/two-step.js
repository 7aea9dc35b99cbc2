// Two-step login pages: when the browser or the security key says no (cancelled,
// timed out, unknown key), allauth's webauthn.js sends an "allauth.error" event and only
// writes to the console. Show the message that templates/mfa/webauthn_scripts.html holds.
(function () {
  document.addEventListener('allauth.error', function (event) {
    const box = document.getElementById('webauthn-error')
    if (!box) {
      return
    }
    event.preventDefault()
    box.hidden = false
    box.focus()
  })
})()
