/* "Imprimir" buttons (data-imprimir): shown only with JavaScript; without it Ctrl+P prints the same page. */
(function () {
  "use strict";
  document.querySelectorAll("[data-imprimir]").forEach(function (boton) {
    boton.hidden = false;
    boton.addEventListener("click", function () { window.print(); });
  });
})();
