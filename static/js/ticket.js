(function () {
  "use strict";
  var boton = document.getElementById("imprimir");
  if (boton) { boton.addEventListener("click", function () { window.print(); }); }
  var nueva = document.getElementById("nueva-venta");
  if (nueva) { nueva.focus(); }
})();
