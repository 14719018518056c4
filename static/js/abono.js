/* The abono form, quicker by keyboard. The page works without this file.
   - The amount (autofocused, prefilled with what is due now) is selected, so typing replaces it.
   - The cash-received field shows only for cash; the change (and any excess over the balance)
     is shown as the cashier types. The server computes and checks everything again. */
(function () {
  "use strict";
  var formulario = document.getElementById("form-abono");
  if (!formulario) { return; }
  var saldo = parseFloat(formulario.getAttribute("data-saldo") || "0");
  var monto = document.getElementById("id_monto");
  var recibido = document.getElementById("id_recibido");
  var aviso = document.getElementById("abono-cambio-vivo");
  var campoRecibido = recibido ? recibido.closest(".campo") : null;
  var leer = function (campo) {
    var valor = parseFloat(String(campo && campo.value || "").replace(/[$,\s]/g, ""));
    return isFinite(valor) ? valor : NaN;
  };
  var metodo = function () {
    var elegido = formulario.querySelector("input[name=metodo]:checked");
    return elegido ? elegido.value : "";
  };
  var pesos = function (valor) {
    return "$" + valor.toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  };
  var actualizar = function () {
    var enEfectivo = metodo() === "efectivo";
    if (campoRecibido) { campoRecibido.hidden = !enEfectivo; }
    if (!aviso) { return; }
    var m = leer(monto);
    var partes = [];
    if (isFinite(m) && m > saldo) {
      partes.push("El monto pasa del saldo por " + pesos(m - saldo) + ": elige abajo qué se hace con el excedente.");
    }
    var r = leer(recibido);
    if (enEfectivo && isFinite(m) && isFinite(r) && r >= m) {
      partes.push("Cambio por el efectivo recibido: " + pesos(r - m) + ".");
    }
    aviso.textContent = partes.join(" ");
  };
  formulario.addEventListener("input", actualizar);
  formulario.addEventListener("change", actualizar);
  if (monto && document.activeElement === monto) { monto.select(); }
  if (monto) { monto.addEventListener("focus", function () { monto.select(); }); }
  actualizar();
})();
