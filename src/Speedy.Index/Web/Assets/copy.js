// Progressive enhancement: a "Copy" button next to each command. Without JavaScript the command is still selectable text.
document.querySelectorAll("[data-copy]").forEach(function (block) {
  var button = document.createElement("button");
  button.type = "button";
  button.className = "copy";
  button.textContent = "Copy";
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(block.getAttribute("data-copy")).then(function () { button.textContent = "Copied"; });
  });
  block.appendChild(button);
});
