// The main menu on a phone: folded away behind the "Menu" button (a disclosure button:
// aria-expanded tells screen readers whether it is open; Enter and Space work because it
// is a real <button>; Escape closes it and puts the focus back on the button).
//
// Loaded in <head> without defer: the class on <html> is set before the first paint, so
// the CSS (static/css/site.css, "Header and navigation") can fold the menu at once. Without
// JavaScript the class is never set, the button stays hidden and the whole menu shows.
(function () {
  const root = document.documentElement
  root.classList.add('js-menu')

  function init () {
    const button = document.querySelector('[data-menu-toggle]')
    const menu = button && document.getElementById(button.getAttribute('aria-controls'))
    if (!menu) {
      // A page without the menu (or with its own): nothing may stay folded away.
      root.classList.remove('js-menu')
      return
    }

    function isOpen () {
      return button.getAttribute('aria-expanded') === 'true'
    }

    function setOpen (open) {
      button.setAttribute('aria-expanded', open ? 'true' : 'false')
      menu.classList.toggle('is-open', open)
    }

    button.addEventListener('click', function () {
      setOpen(!isOpen())
    })

    document.addEventListener('keydown', function (event) {
      if (event.key !== 'Escape' || !isOpen()) {
        return
      }
      const focus = document.activeElement
      if (focus === button || menu.contains(focus)) {
        setOpen(false)
        button.focus()
      }
    })
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init)
  } else {
    init()
  }
})()
