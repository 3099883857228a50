// searcher's only script, and an optional one: every page works without it.
// "/" puts the cursor in the search box; changing the order re-runs the search.
"use strict";
document.addEventListener("keydown", (event) => {
  const box = document.getElementById("q");
  const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement;
  if (event.key === "/" && box && !typing) {
    event.preventDefault();
    box.focus();
  }
});
document.querySelectorAll(".filter-form select[name=sort]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
