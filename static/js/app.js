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
  // The top bar's menus are <details>, so they open and close without this script. It adds:
  // Escape closes the open one (focus back on its button), a click or focus elsewhere closes a
  // dropdown, and on wide screens the menu is kept open where CSS ::details-content is missing.
  var principal = document.querySelector(".menu-principal");
  if (principal) {
    var ancho = window.matchMedia("(min-width: 70em)");
    var soportaContenido = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
    var ajustar = function () {
      if (!soportaContenido) { principal.open = ancho.matches; }
    };
    ajustar();
    if (ancho.addEventListener) { ancho.addEventListener("change", ajustar); }
    var grupos = principal.querySelectorAll(".menu-grupo");
    var cerrar = function (detalles, enfocar) {
      detalles.open = false;
      if (enfocar) { detalles.querySelector("summary").focus(); }
    };
    document.addEventListener("keydown", function (evento) {
      if (evento.key !== "Escape") { return; }
      var abierto = document.activeElement && document.activeElement.closest
        ? document.activeElement.closest(".menu-grupo[open]") : null;
      if (abierto) {
        cerrar(abierto, true);
      } else if (principal.open && !ancho.matches) {
        cerrar(principal, true);
      }
    });
    document.addEventListener("click", function (evento) {
      grupos.forEach(function (grupo) {
        if (grupo.open && !grupo.contains(evento.target)) { cerrar(grupo, false); }
      });
    });
    grupos.forEach(function (grupo) {
      grupo.addEventListener("focusout", function (evento) {
        if (ancho.matches && evento.relatedTarget && !grupo.contains(evento.relatedTarget)) { cerrar(grupo, false); }
      });
    });
  }
})();
