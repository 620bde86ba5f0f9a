// The unit's reply form: a promised date belongs to a B reply, a reason to a C reply; the others are hidden.
// Kept out of templates so the Content-Security-Policy can forbid inline script. Without script every field
// stays visible and the server tells the clerk which one a class needs.
function syncReplyFields(form) {
  const checked = form.querySelector('input[type="radio"]:checked');
  const replyClass = checked ? checked.value : "";
  form.querySelectorAll("[data-reply-class]").forEach((wrapper) => {
    wrapper.hidden = wrapper.dataset.replyClass !== replyClass;
  });
}

document.querySelectorAll("[data-reply-form]").forEach((form) => {
  form.addEventListener("change", (event) => {
    if (event.target.type === "radio") syncReplyFields(form);
  });
  syncReplyFields(form);
});
