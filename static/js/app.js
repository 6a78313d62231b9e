// Small progressive enhancements shared by every page.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-nav-toggle]");
  if (!toggle) return;
  const nav = document.querySelector("[data-nav]");
  const open = nav.classList.toggle("open");
  toggle.setAttribute("aria-expanded", String(open));
});
