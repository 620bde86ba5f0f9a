document.querySelectorAll(".print-button").forEach((button) => button.addEventListener("click", () => window.print()));
