/* Point of sale, keyboard first. The page works without this file: it only keeps the
   focus in "Buscar producto", lists name matches while typing (arrows + Enter to pick)
   and shows the change and why "Cobrar" is disabled while the payment is typed. */
(function () {
  "use strict";
  var campo = document.getElementById("buscar-producto");
  var lista = document.getElementById("coincidencias");
  if (!campo || !lista) { return; }
  campo.focus();
  campo.select();

  var temporizador = null;
  var activo = -1;

  function botones() { return lista.querySelectorAll("button.coincidencia:not([disabled])"); }

  function marcar(indice) {
    var todos = botones();
    todos.forEach(function (b) { b.classList.remove("activa"); });
    if (indice >= 0 && indice < todos.length) { todos[indice].classList.add("activa"); }
    activo = indice;
  }

  function pintar(productos) {
    var token = document.querySelector("#form-buscar input[name=csrfmiddlewaretoken]").value;
    var accion = lista.getAttribute("data-accion");
    lista.textContent = "";
    productos.forEach(function (p) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      var form = document.createElement("form");
      form.method = "post";
      form.action = accion;
      form.innerHTML = '<input type="hidden" name="csrfmiddlewaretoken"><input type="hidden" name="producto">';
      form.querySelector("[name=csrfmiddlewaretoken]").value = token;
      form.querySelector("[name=producto]").value = p.id;
      var boton = document.createElement("button");
      boton.type = "submit";
      boton.className = "coincidencia";
      var estado = !p.activo ? "Dado de baja" : (p.existencia <= 0 ? "Sin existencia" : p.existencia + " en existencia");
      [["codigo", p.codigo], ["nombre", p.nombre], ["precio", "$" + p.precio], ["existencia", estado]].forEach(function (par) {
        var span = document.createElement("span");
        span.className = par[0];
        span.textContent = par[1];
        boton.appendChild(span);
      });
      if (!p.activo || p.existencia <= 0) { boton.disabled = true; }
      form.appendChild(boton);
      li.appendChild(form);
      lista.appendChild(li);
    });
    marcar(-1);
  }

  campo.addEventListener("input", function () {
    window.clearTimeout(temporizador);
    var texto = campo.value.trim();
    // Digits only look like a scan in progress: wait for Enter instead of searching.
    if (texto.length < 2 || /^\d+$/.test(texto)) { lista.textContent = ""; return; }
    temporizador = window.setTimeout(function () {
      fetch(campo.getAttribute("data-url-buscar") + "?q=" + encodeURIComponent(texto), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { productos: [] }; })
        .then(function (datos) { if (campo.value.trim() === texto) { pintar(datos.productos); } });
    }, 150);
  });

  campo.addEventListener("keydown", function (evento) {
    var todos = botones();
    if (evento.key === "ArrowDown" && todos.length) {
      evento.preventDefault();
      marcar(Math.min(activo + 1, todos.length - 1));
    } else if (evento.key === "ArrowUp" && todos.length) {
      evento.preventDefault();
      marcar(Math.max(activo - 1, 0));
    } else if (evento.key === "Enter" && activo >= 0 && todos[activo]) {
      evento.preventDefault();
      todos[activo].form.submit();
    } else if (evento.key === "Escape") {
      lista.textContent = "";
      marcar(-1);
    }
  });

  // Payment: change and the reason "Cobrar" is disabled, as the cashier types.
  var total = document.getElementById("total");
  var boton = document.getElementById("boton-cobrar");
  var motivo = document.getElementById("motivo-cobro");
  var cambio = document.getElementById("cambio");
  var formCobro = document.getElementById("form-cobro");
  if (!total || !boton || !formCobro) { return; }
  var motivoServidor = motivo.textContent.trim();

  function centavos(valor) {
    var n = parseFloat(String(valor || "0").replace(",", "."));
    return isNaN(n) ? 0 : Math.round(n * 100);
  }
  function pesos(c) { return "$" + (c / 100).toFixed(2); }

  function actualizar() {
    if (motivoServidor) { return; }
    var debe = centavos(total.getAttribute("data-total"));
    var otros = centavos(formCobro.elements.tarjeta_monto.value) + centavos(formCobro.elements.transferencia_monto.value);
    var efectivo = centavos(formCobro.elements.efectivo_recibido.value);
    var falta = debe - otros - efectivo;
    if (otros > debe) {
      motivo.textContent = "Tarjeta y transferencia pasan del total.";
      boton.disabled = true;
    } else if (falta > 0) {
      motivo.textContent = "Pago insuficiente: faltan " + pesos(falta) + ".";
      boton.disabled = true;
    } else {
      motivo.textContent = "";
      boton.disabled = false;
    }
    cambio.textContent = pesos(Math.max(0, efectivo - Math.max(0, debe - otros)));
  }
  formCobro.addEventListener("input", actualizar);
  actualizar();
})();
