/* Progressive enhancements shared by every page. Pages work without this file. */
(function () {
  "use strict";
  // Forms marked data-confirmar ask before submitting (no inline onclick, CSP-friendly).
  document.addEventListener("submit", function (evento) {
    var formulario = evento.target;
    var pregunta = formulario.getAttribute && formulario.getAttribute("data-confirmar");
    if (pregunta && !window.confirm(pregunta)) {
      evento.preventDefault();
    }
  });
  // A form submitted once disables its submit buttons, so a double click sends one POST.
  document.addEventListener("submit", function (evento) {
    if (evento.defaultPrevented) { return; }
    var botones = evento.target.querySelectorAll("button[type=submit], input[type=submit]");
    window.setTimeout(function () {
      botones.forEach(function (boton) { boton.disabled = true; });
    }, 0);
  });
})();
