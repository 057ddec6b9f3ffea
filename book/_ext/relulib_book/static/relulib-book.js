/* The ReLU book's additions to its theme's scripts. */
(function () {
  "use strict";

  /* Solution toggles are all named "Toggle hidden content" by sphinx-togglebutton: name each
     after its exercise ("Show solution to Exercise 2.3"), and say "Hide" while it is open. */
  function exerciseOf(button) {
    var title = button.closest(".admonition-title");
    var link = title && title.querySelector("a");
    var text = (link ? link.textContent : title ? title.textContent : "").trim();
    var match = text.match(/^Exercise\s+[\d.]+/);
    return match ? match[0] : text.replace(/\s+/g, " ");
  }

  function nameToggle(button) {
    var what = button.closest(".solution") ? "solution to " + exerciseOf(button) : "content";
    var verb = button.getAttribute("aria-expanded") === "true" ? "Hide " : "Show ";
    button.setAttribute("aria-label", verb + what);
  }

  function nameToggles() {
    document.querySelectorAll("button.toggle-button").forEach(function (button) {
      if (button.dataset.named) { return; }
      button.dataset.named = "true";
      nameToggle(button);
      new MutationObserver(function () { nameToggle(button); })
        .observe(button, { attributes: true, attributeFilter: ["aria-expanded"] });
    });
  }

  /* Buttons whose aria-label leaves out their visible text (WCAG 2.5.3, label in name): the
     theme's search field ("Search Ctrl+K", named "Search") and MyST-NB's folded code cells
     ("Show code cell source", named "Toggle hidden content") are named by their text. */
  function nameByVisibleText() {
    document.querySelectorAll(
      ".search-button-field[aria-label], summary[aria-label='Toggle hidden content']"
    ).forEach(function (element) { element.removeAttribute("aria-label"); });
  }

  /* The theme makes code blocks that scroll sideways keyboard-focusable, checking when its
     script runs and on resize. Code set in a web font, and math typeset later, can start to
     scroll after that check: ask the theme to check again once fonts and images are in. */
  function recheckScrollableCode() {
    window.dispatchEvent(new Event("resize"));
  }
  window.addEventListener("load", function () {
    recheckScrollableCode();
    if (document.fonts) { document.fonts.ready.then(recheckScrollableCode); }
  });
  /* Code inside a folded cell or a solution measures 0 wide until it is opened. */
  document.addEventListener("toggle", recheckScrollableCode, true);  // <details>
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("button.toggle-button")) {
      setTimeout(recheckScrollableCode, 0);  // after sphinx-togglebutton has shown it
    }
  });

  /* A display equation wider than the column scrolls in its own box (relulib-book.css): the
     keyboard must reach it too. MathJax typesets after the page has loaded. */
  function focusableWideEquations() {
    document.querySelectorAll("mjx-container[display='true']").forEach(function (math) {
      if (math.scrollWidth > math.clientWidth) {
        math.tabIndex = 0;
      } else {
        math.removeAttribute("tabindex");
      }
    });
  }
  window.addEventListener("load", function () {
    var typeset = window.MathJax && MathJax.startup && MathJax.startup.promise;
    if (typeset) { typeset.then(focusableWideEquations); }
  });
  window.addEventListener("resize", function () {
    clearTimeout(focusableWideEquations.timer);
    focusableWideEquations.timer = setTimeout(focusableWideEquations, 300);
  });

  /* Printing: images load lazily, so fetch every one before the page is laid out on paper. */
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("img[loading=lazy]").forEach(function (img) {
      img.loading = "eager";
    });
  });

  /* sphinx-togglebutton adds its buttons on DOMContentLoaded, which fires after this deferred
     script has run: name them then (and, should that have passed, on load). */
  document.addEventListener("DOMContentLoaded", start);
  window.addEventListener("load", start);

  function start() {
    nameByVisibleText();
    nameToggles();
  }
})();
