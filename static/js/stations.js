// Public station pages: copy the tracking code, count characters in the opinion text.
// Kept out of templates so the Content-Security-Policy can forbid inline script.
document.querySelectorAll("[data-copy]").forEach((button) => {
  button.addEventListener("click", async () => {
    const source = document.querySelector(button.dataset.copy);
    if (!source) return;
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      button.textContent = button.dataset.copied;
    } catch {
      // No clipboard access (old browser, insecure context): select the code so the voter can copy it by hand.
      const range = document.createRange();
      range.selectNodeContents(source);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
  });
});

document.querySelectorAll("[data-char-count]").forEach((counter) => {
  const field = document.getElementById(counter.dataset.charCount);
  if (!field) return;
  const update = () => {
    counter.textContent = counter.dataset.template
      .replace("{count}", field.value.length)
      .replace("{max}", counter.dataset.max);
  };
  field.addEventListener("input", update);
  update();
});
