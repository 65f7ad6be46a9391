/* The article form's helpers: character counters for the headline and the
   dek, measured against what search engines show, and the article's final
   address under the slug, updated as the slug changes. Plain JavaScript, no
   dependencies; without it the form still works (the limits are enforced
   by the server, the help texts say the same thing). */
(function () {
    "use strict";

    // Search results show about 60 characters of a title and about 155-160
    // of a description; past that they cut the text with an ellipsis.
    var COUNTERS = [
        {field: "id_headline", soft: 60, what: "headline"},
        {field: "id_dek", soft: 160, what: "dek"},
    ];

    function describe(input, element) {
        var ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
        ids.push(element.id);
        input.setAttribute("aria-describedby", ids.join(" "));
    }

    function placeAfterField(input, element) {
        // After the help text when there is one, so the order reads:
        // field, what it is for, how long it is now. The "help" class
        // aligns it with the field as Django aligns help texts.
        var help = document.getElementById(input.id + "_helptext");
        var anchor = help || input;
        element.classList.add("help");
        anchor.parentNode.insertBefore(element, anchor.nextSibling);
    }

    function counter(spec) {
        var input = document.getElementById(spec.field);
        if (!input) {
            return;
        }
        var hard = parseInt(input.getAttribute("maxlength"), 10) || null;
        var output = document.createElement("div");
        output.className = "newsroom-counter";
        output.id = spec.field + "_counter";
        placeAfterField(input, output);
        describe(input, output);

        function update() {
            var length = Array.from(input.value).length;
            var over = length > spec.soft;
            var text = length + " / " + spec.soft + " characters";
            if (over) {
                text += " — search engines will cut this " + spec.what + " after about " + spec.soft + " characters";
            } else {
                text += " shown by search engines";
            }
            if (hard) {
                text += " (at most " + hard + ")";
            }
            output.textContent = text;
            output.classList.toggle("is-over", over);
            output.dataset.length = String(length);
        }

        input.addEventListener("input", update);
        update();
    }

    function addressPreview() {
        var slug = document.getElementById("id_slug");
        var holder = document.getElementById("newsroom-article-form");
        if (!slug || !holder || !holder.dataset.articleUrl) {
            return;
        }
        var pattern = holder.dataset.articleUrl;
        // A story lives in its language's edition (/articles/, /en/articles/).
        var patterns = holder.dataset.articleUrls ? JSON.parse(holder.dataset.articleUrls) : {};
        var language = document.getElementById("id_language");
        var line = document.createElement("div");
        line.className = "newsroom-url";
        line.id = "id_slug_address";
        line.appendChild(document.createTextNode("Address: "));
        var output = document.createElement("output");
        output.setAttribute("for", "id_slug");
        line.appendChild(output);
        placeAfterField(slug, line);
        describe(slug, line);

        // As the server stores it: lower-case ASCII words joined by hyphens.
        function addressForm(value) {
            return value
                .normalize("NFKD")
                .replace(/[\u0300-\u036f]/g, "")
                .toLowerCase()
                .replace(/[^a-z0-9]+/g, "-")
                .replace(/^-+|-+$/g, "");
        }

        function update() {
            if (language && patterns[language.value]) {
                pattern = patterns[language.value];
            }
            var value = addressForm(slug.value.trim());
            output.textContent = value ? pattern.replace("SLUG", value) : pattern.replace("SLUG", "…");
        }

        // Django's prepopulate fills the slug on the headline's keyup and
        // change events without firing one on the slug: read it just after.
        function later() {
            window.setTimeout(update, 0);
        }

        slug.addEventListener("input", update);
        slug.addEventListener("change", update);
        if (language) {
            language.addEventListener("change", update);
        }
        var headline = document.getElementById("id_headline");
        if (headline) {
            ["keyup", "change", "input", "focus"].forEach(function (name) {
                headline.addEventListener(name, later);
            });
        }
        update();
    }

    // Bylines, sources and videos are ordered by moving their rows, not by
    // typing numbers: each row gets "Move up" and "Move down" buttons in
    // place of its order field, which stays in the form (hidden) and is
    // renumbered from the rows' order. Only rows with something in them are
    // numbered: a blank extra row whose order changed would count as filled
    // in, and the form would ask for its author. Without JavaScript the
    // number fields remain.
    function label(text) {
        return typeof window.gettext === "function" ? window.gettext(text) : text;
    }

    function filledIn(row) {
        return Array.from(row.querySelectorAll("input, select, textarea")).some(function (field) {
            var name = field.name || "";
            if (/-(position|DELETE|id|article)$/.test(name) || field.type === "checkbox") {
                return false;
            }
            return field.value.trim() !== "";
        });
    }

    function rowsOf(table) {
        return Array.from(table.querySelectorAll("tbody > tr.form-row")).filter(function (row) {
            return !row.classList.contains("empty-form");
        });
    }

    function renumber(table) {
        var next = 0;
        rowsOf(table).forEach(function (row) {
            var order = row.querySelector("input[name$='-position']");
            if (order && filledIn(row)) {
                order.value = String(next);
                next += 1;
            }
        });
    }

    function move(row, step) {
        var table = row.closest("table");
        var rows = rowsOf(table);
        var at = rows.indexOf(row);
        var other = rows[at + step];
        if (!other) {
            return;
        }
        if (step < 0) {
            other.parentNode.insertBefore(row, other);
        } else {
            other.parentNode.insertBefore(other, row);
        }
        renumber(table);
    }

    function orderButtons(row) {
        var order = row.querySelector("td.field-position input[name$='-position']");
        if (!order || row.classList.contains("empty-form") || row.querySelector(".newsroom-move")) {
            return;
        }
        order.type = "hidden";
        var cell = order.closest("td");
        [["up", -1, "Move up", "\u2191"], ["down", 1, "Move down", "\u2193"]].forEach(function (spec) {
            var button = document.createElement("button");
            button.type = "button";
            button.className = "newsroom-move newsroom-move-" + spec[0];
            button.setAttribute("aria-label", label(spec[2]));
            button.title = label(spec[2]);
            button.textContent = spec[3];
            button.addEventListener("click", function () {
                move(row, spec[1]);
                button.focus();
            });
            cell.appendChild(button);
        });
    }

    function ordering() {
        var form = document.querySelector("#article_form");
        if (!form) {
            return;
        }
        form.querySelectorAll("table th.column-position").forEach(function (heading) {
            heading.textContent = label("Order");
            var table = heading.closest("table");
            rowsOf(table).forEach(orderButtons);
        });
        // Rows added with "Add another ...".
        document.addEventListener("formset:added", function (event) {
            if (event.target && event.target.matches && event.target.matches("tr.form-row")) {
                orderButtons(event.target);
            }
        });
        form.addEventListener("submit", function () {
            form.querySelectorAll("table th.column-position").forEach(function (heading) {
                renumber(heading.closest("table"));
            });
        });
    }

    function init() {
        COUNTERS.forEach(counter);
        addressPreview();
        ordering();
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
