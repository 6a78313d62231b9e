// Small progressive enhancements shared by every page. No inline handlers anywhere (the CSP
// refuses them): pages mark elements with data- attributes and this file gives them behaviour.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
    return;
  }
  const toggle = event.target.closest("[data-nav-toggle]");
  if (!toggle) return;
  const nav = document.querySelector("[data-nav]");
  const open = nav.classList.toggle("open");
  toggle.setAttribute("aria-expanded", String(open));
});

// A <select data-autosubmit> (the language switch) submits its form when it changes.
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.submit();
});
