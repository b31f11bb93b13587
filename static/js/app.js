// Small behaviours the pages need; served by the app (the CSP allows no inline script).
"use strict";

// A block shown only when a radio answer asks for it, e.g. Part 5's family members only after
// "Yes" (WCAG 2.1 SC 3.3.2: no required marks on fields that do not apply). Without script the
// block stays visible and the server ignores it when the answer is "No".
document.querySelectorAll("[data-shown-when]").forEach((block) => {
  const [name, value] = block.dataset.shownWhen.split("=");
  const radios = document.querySelectorAll(`input[type="radio"][name="${name}"]`);
  const update = () => {
    const chosen = Array.from(radios).find((radio) => radio.checked);
    block.hidden = !(chosen && chosen.value === value);
  };
  radios.forEach((radio) => radio.addEventListener("change", update));
  update();
});
