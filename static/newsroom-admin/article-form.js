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
        {field: "id_headline", soft: 60, what: "Headline"},
        {field: "id_dek", soft: 160, what: "Dek"},
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

        // The words, in the admin's language, from the page (change_form.html).
        var words = (document.getElementById("newsroom-article-form") || {dataset: {}}).dataset;

        function fill(template, values) {
            return template.replace(/%\((\w+)\)s/g, function (whole, name) {
                return String(values[name]);
            });
        }

        function update() {
            var length = Array.from(input.value).length;
            var over = length > spec.soft;
            var values = {length: length, soft: spec.soft, max: hard};
            var text = fill(over ? words["counterOver" + spec.what] : words.counterShown, values);
            if (hard) {
                text += " " + fill(words.counterMax, values);
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
        line.appendChild(document.createTextNode(holder.dataset.address + " "));
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
    // place of its order field, which stays in the form (hidden). Once a row
    // of a table has moved, its filled-in rows are numbered in page order on
    // submit; a row left blank keeps the number it came with (a blank extra
    // row whose number changed would count as filled in, and the form would
    // ask for its author), and a table nobody reordered keeps its numbers.
    // Saved rows and new rows move among their own kind only: Django names
    // a row's fields by its place (saved rows first), and renames them by
    // page order when a new row is removed. Without JavaScript the number
    // fields remain.
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

    function saved(row) {
        return row.classList.contains("has_original");
    }

    function neighbour(row, step) {
        var rows = rowsOf(row.closest("table"));
        var other = rows[rows.indexOf(row) + step];
        return other && saved(other) === saved(row) ? other : null;
    }

    function refreshButtons(table) {
        rowsOf(table).forEach(function (row) {
            row.querySelectorAll(".newsroom-move").forEach(function (button) {
                button.disabled = !neighbour(row, Number(button.dataset.step));
            });
        });
    }

    function renumber(table) {
        if (!table.dataset.moved) {
            return;
        }
        var next = 0;
        rowsOf(table).forEach(function (row) {
            var order = row.querySelector("input[name$='-position']");
            if (!order) {
                return;
            }
            if (filledIn(row)) {
                order.value = String(next);
                next += 1;
            } else if (order.dataset.initial !== undefined) {
                order.value = order.dataset.initial;
            }
        });
    }

    function move(row, step) {
        var other = neighbour(row, step);
        if (!other) {
            return;
        }
        if (step < 0) {
            other.parentNode.insertBefore(row, other);
        } else {
            other.parentNode.insertBefore(other, row);
        }
        var table = row.closest("table");
        table.dataset.moved = "1";
        refreshButtons(table);
    }

    function orderButtons(row, labels) {
        var order = row.querySelector("td.field-position input[name$='-position']");
        if (!order || row.classList.contains("empty-form") || row.querySelector(".newsroom-move")) {
            return;
        }
        order.dataset.initial = order.value;
        order.type = "hidden";
        var cell = order.closest("td");
        [[-1, labels.up, "\u2191"], [1, labels.down, "\u2193"]].forEach(function (spec) {
            var button = document.createElement("button");
            button.type = "button";
            button.className = "newsroom-move";
            button.dataset.step = String(spec[0]);
            button.setAttribute("aria-label", spec[1]);
            button.title = spec[1];
            button.textContent = spec[2];
            button.addEventListener("click", function () {
                move(row, spec[0]);
                button.focus();
            });
            cell.appendChild(button);
        });
    }

    function ordering() {
        var form = document.querySelector("#article_form");
        var holder = document.getElementById("newsroom-article-form");
        if (!form || !holder) {
            return;
        }
        // Named by the server, in the admin's language.
        var labels = {up: holder.dataset.moveUp || "Move up", down: holder.dataset.moveDown || "Move down"};
        var tables = Array.from(form.querySelectorAll("table th.column-position")).map(function (heading) {
            return heading.closest("table");
        });
        tables.forEach(function (table) {
            rowsOf(table).forEach(function (row) {
                orderButtons(row, labels);
            });
            refreshButtons(table);
        });
        // Rows added with "Add another ..." and removed again.
        ["formset:added", "formset:removed"].forEach(function (name) {
            document.addEventListener(name, function (event) {
                tables.forEach(function (table) {
                    rowsOf(table).forEach(function (row) {
                        orderButtons(row, labels);
                    });
                    refreshButtons(table);
                });
            });
        });
        form.addEventListener("submit", function () {
            tables.forEach(renumber);
        });
    }

    // "Schedule…" asks for its time in a dialog, so an editor at the top of
    // the form need not scroll to the publication time field: the dialog's
    // date and time fill that field (in ISO form, which Django reads in any
    // language) and the form is sent with the Schedule button. Without
    // JavaScript the button posts the field as it stands, and the server
    // asks for a time in the future if it has none.
    function isoDate(text) {
        var match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text) || null;
        if (match) {
            return text;
        }
        match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
        return match ? match[3] + "-" + ("0" + match[2]).slice(-2) + "-" + ("0" + match[1]).slice(-2) : "";
    }

    function scheduleDialog() {
        var holder = document.getElementById("newsroom-article-form");
        var dateField = document.getElementById("id_published_at_0");
        var timeField = document.getElementById("id_published_at_1");
        var buttons = Array.from(document.querySelectorAll("button[data-schedule]"));
        if (!holder || !dateField || !timeField || !buttons.length || !window.HTMLDialogElement) {
            return;
        }
        var text = holder.dataset;
        var dialog = document.createElement("dialog");
        dialog.className = "schedule-dialog";
        dialog.setAttribute("aria-labelledby", "schedule-dialog-title");
        var title = document.createElement("h2");
        title.id = "schedule-dialog-title";
        title.textContent = text.scheduleTitle;
        dialog.appendChild(title);

        function field(id, type, label) {
            var row = document.createElement("p");
            var caption = document.createElement("label");
            caption.htmlFor = id;
            caption.textContent = label;
            var input = document.createElement("input");
            input.type = type;
            input.id = id;
            input.required = true;
            row.appendChild(caption);
            row.appendChild(input);
            dialog.appendChild(row);
            return input;
        }

        var date = field("schedule-date", "date", text.scheduleDate);
        var time = field("schedule-time", "time", text.scheduleTime);
        var problem = document.createElement("p");
        problem.className = "schedule-dialog-problem";
        problem.setAttribute("role", "alert");
        problem.hidden = true;
        dialog.appendChild(problem);
        var row = document.createElement("p");
        row.className = "schedule-dialog-buttons";
        var confirm = document.createElement("button");
        confirm.type = "button";
        confirm.className = "button default";
        confirm.textContent = text.scheduleConfirm;
        var cancel = document.createElement("button");
        cancel.type = "button";
        cancel.className = "button";
        cancel.textContent = text.scheduleCancel;
        row.appendChild(confirm);
        row.appendChild(cancel);
        dialog.appendChild(row);
        // Outside the story's <form>: a form may not hold another.
        document.body.appendChild(dialog);

        var pressed = null;
        var shownTime = "";
        buttons.forEach(function (button) {
            button.addEventListener("click", function (event) {
                event.preventDefault();
                pressed = button;
                date.value = isoDate(dateField.value.trim());
                time.value = (timeField.value.trim().match(/^\d{1,2}:\d{2}/) || [""])[0].padStart(5, "0");
                shownTime = time.value;
                problem.hidden = true;
                dialog.showModal();
            });
        });
        cancel.addEventListener("click", function () {
            dialog.close();
        });
        confirm.addEventListener("click", function () {
            if (!date.value || !time.value) {
                problem.textContent = text.scheduleMissing;
                problem.hidden = false;
                (date.value ? time : date).focus();
                return;
            }
            dateField.value = date.value;
            if (time.value !== shownTime) {
                // A minute left as it was keeps the field's seconds.
                timeField.value = time.value;
            }
            dialog.close();
            pressed.form.requestSubmit(pressed);
        });
    }

    // Django's change_form.js puts the cursor in the form's first control,
    // which is now the top row's first button; a new story starts at its
    // headline. change_form.js loads async, so look again once the page
    // has loaded, and move the cursor only if it is still on that button.
    function startAtTheHeadline() {
        var constants = document.getElementById("django-admin-form-add-constants");
        var headline = document.getElementById("id_headline");
        if (!constants || !constants.dataset.modelName || !headline) {
            return;
        }
        function move() {
            var active = document.activeElement;
            if (active && active.matches("button[name=_action]")) {
                headline.focus();
            }
        }
        move();
        window.addEventListener("load", move);
    }

    // One topic field: it finds existing topics as the writer types (the
    // admin's autocomplete view, which folds accents and capitals) and, on
    // Enter, adds the typed name as a new topic, posted as "+name"
    // (forms.TopicPicker). When a found topic folds to the typed name, it is
    // offered first instead of a new one, so "energia" picks "Energía". The
    // "New topics" text field is for browsers without JavaScript.
    function fold(text) {
        return text
            .normalize("NFKD")
            .replace(/[\u0300-\u036f]/g, "")
            .toLowerCase()
            .replace(/\s+/g, " ")
            .trim();
    }

    function topicPicker() {
        var $ = window.django && window.django.jQuery;
        var holder = document.getElementById("newsroom-article-form");
        if (!$ || !$.fn.select2 || !holder) {
            return;
        }
        var newLabel = holder.dataset.newTopic || "New topic: %s";
        $("select.topic-picker").not("[name*=__prefix__]").each(function (index, element) {
            $(element).select2({
                ajax: {
                    data: function (params) {
                        return {
                            term: params.term,
                            page: params.page,
                            app_label: element.dataset.appLabel,
                            model_name: element.dataset.modelName,
                            field_name: element.dataset.fieldName,
                        };
                    },
                },
                tags: true,
                createTag: function (params) {
                    var name = params.term.replace(/\s+/g, " ").trim();
                    return name ? {id: "+" + name, text: name, newTopic: true} : null;
                },
                insertTag: function (data, tag) {
                    var same = -1;
                    data.forEach(function (item, at) {
                        if (same < 0 && fold(item.text || "") === fold(tag.text)) {
                            same = at;
                        }
                    });
                    if (same >= 0) {
                        data.unshift(data.splice(same, 1)[0]);
                    } else {
                        data.unshift(tag);
                    }
                },
                templateResult: function (item) {
                    return item.newTopic ? newLabel.replace("%s", "“" + item.text + "”") : item.text;
                },
            });
            var fallback = document.querySelector(".field-new_topics");
            var typed = document.getElementById("id_new_topics");
            if (fallback && typed && !typed.value && !fallback.querySelector(".errorlist")) {
                fallback.style.display = "none";
            }
        });
    }

    // The panel beside the body: the countries, people, organisations and
    // agreements that the headline, dek and body name, found by the server
    // among the newsroom's records (ArticleAdmin.suggest_view) a moment
    // after the writer stops typing. One click adds a record to its field;
    // nothing is added without one. A dismissed suggestion is written into
    // the form's "suggestions_dismissed" field, saved with the story, and
    // not offered again for it.
    var FIELDS = {countries: "id_countries", people: "id_people", organizations: "id_organizations"};

    function suggestionPanel() {
        var holder = document.getElementById("newsroom-article-form");
        var $ = window.django && window.django.jQuery;
        var bodyRow = document.querySelector(".form-row.field-body");
        var dismissedField = document.getElementById("id_suggestions_dismissed");
        if (!holder || !holder.dataset.suggestUrl || !$ || !bodyRow || !dismissedField) {
            return;
        }
        var text = holder.dataset;
        var kinds = JSON.parse(text.suggestKinds);
        var form = bodyRow.closest("form");
        var panel = document.createElement("aside");
        panel.className = "suggestions";
        panel.id = "suggestions";
        panel.setAttribute("aria-labelledby", "suggestions-title");
        var title = document.createElement("h3");
        title.id = "suggestions-title";
        title.textContent = text.suggestions;
        var help = document.createElement("p");
        help.className = "suggestions-help";
        help.textContent = text.suggestionsHelp;
        var list = document.createElement("div");
        list.setAttribute("aria-live", "polite");
        panel.append(title, help, list);
        bodyRow.appendChild(panel);

        function dismissed() {
            return dismissedField.value.split("\n").filter(Boolean);
        }

        function chosen(kind) {
            if (kind === "agreements") {
                return Array.from(document.querySelectorAll("select[id^=id_agreement_links-][id$=-agreement]"))
                    .filter(function (select) {
                        return !select.name.includes("__prefix__");
                    })
                    .map(function (select) {
                        return select.value;
                    });
            }
            var select = document.getElementById(FIELDS[kind]);
            return select ? $(select).val() || [] : [];
        }

        function add(kind, item) {
            if (kind === "agreements") {
                var group = document.getElementById("agreement_links-group");
                var more = group && group.querySelector(".add-row a");
                if (!more) {
                    return;
                }
                more.click();
                var selects = group.querySelectorAll("select[id$=-agreement]:not([id*=__prefix__])");
                var select = selects[selects.length - 1];
                $(select).append(new Option(item.label, item.id, true, true)).trigger("change");
                return;
            }
            var field = document.getElementById(FIELDS[kind]);
            $(field).append(new Option(item.label, item.id, true, true)).trigger("change");
        }

        var last = "";
        var shown = {};

        function render(found) {
            shown = found;
            list.textContent = "";
            var refused = dismissed();
            var any = false;
            Object.keys(kinds).forEach(function (kind) {
                var taken = chosen(kind).map(String);
                var items = (found[kind] || []).filter(function (item) {
                    return taken.indexOf(String(item.id)) < 0 && refused.indexOf(kind + ":" + item.id) < 0;
                });
                if (!items.length) {
                    return;
                }
                any = true;
                var heading = document.createElement("h4");
                heading.textContent = kinds[kind];
                var ul = document.createElement("ul");
                items.forEach(function (item) {
                    var li = document.createElement("li");
                    li.dataset.kind = kind;
                    li.dataset.id = item.id;
                    var accept = document.createElement("button");
                    accept.type = "button";
                    accept.className = "suggestion-add";
                    accept.textContent = "+ " + item.label;
                    accept.setAttribute("aria-label", text.suggestAdd.replace("%s", item.label));
                    accept.title = "“" + item.found.join("”, “") + "”";
                    var drop = document.createElement("button");
                    drop.type = "button";
                    drop.className = "suggestion-dismiss";
                    drop.textContent = "×";
                    drop.setAttribute("aria-label", text.suggestDismiss.replace("%s", item.label));
                    accept.addEventListener("click", function () {
                        add(kind, item);
                        settle(li);
                    });
                    drop.addEventListener("click", function () {
                        dismissedField.value = dismissed().concat([kind + ":" + item.id]).join("\n");
                        settle(li);
                    });
                    li.append(accept, drop);
                    ul.appendChild(li);
                });
                list.append(heading, ul);
            });
            if (!any) {
                var named = Object.keys(kinds).some(function (kind) {
                    return (found[kind] || []).length > 0;
                });
                var none = document.createElement("p");
                none.className = "suggestions-help";
                none.textContent = named ? text.suggestionsDone : text.suggestionsNone;
                list.appendChild(none);
            }
        }

        // After an accept or a dismiss, the next suggestion takes the
        // keyboard focus (or the panel's heading, if none is left).
        function settle(li) {
            var items = Array.from(list.querySelectorAll("li"));
            var next = items[items.indexOf(li) + 1] || items[items.indexOf(li) - 1];
            render(shown);
            var again = next && list.querySelector(
                "li[data-kind='" + next.dataset.kind + "'][data-id='" + next.dataset.id + "'] .suggestion-add"
            );
            if (again) {
                again.focus();
            } else {
                title.tabIndex = -1;
                title.focus();
            }
        }

        function current() {
            // The body's textarea, which the editor keeps up to date.
            var body = (document.getElementById("id_body") || {}).value || "";
            var language = document.getElementById("id_language");
            return {
                headline: (document.getElementById("id_headline") || {}).value || "",
                dek: (document.getElementById("id_dek") || {}).value || "",
                body: body,
                language: language ? language.value : "",
            };
        }

        function ask() {
            var data = current();
            var key = JSON.stringify(data);
            if (key === last) {
                return;
            }
            last = key;
            var post = new FormData();
            Object.keys(data).forEach(function (name) {
                post.append(name, data[name]);
            });
            fetch(holder.dataset.suggestUrl, {
                method: "POST",
                body: post,
                credentials: "same-origin",
                headers: {"X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value},
            })
                .then(function (response) {
                    return response.ok ? response.json() : null;
                })
                .then(function (found) {
                    if (found && key === last) {
                        render(found);
                    }
                })
                .catch(function () {
                    last = "";
                });
        }

        var timer = null;
        function later() {
            window.clearTimeout(timer);
            timer = window.setTimeout(ask, 600);
        }
        form.addEventListener("input", later);
        form.addEventListener("keyup", later);
        ["id_countries", "id_people", "id_organizations"].forEach(function (id) {
            var field = document.getElementById(id);
            if (field) {
                $(field).on("change", function () {
                    render(shown);
                });
            }
        });
        ask();
    }

    // Autosave: while the form is open its words are sent to the server
    // every few seconds when they have changed, and once more when the page
    // is left, as the writer's working copy (ArticleAdmin.autosave_view;
    // never a save, never a version). Every 20 seconds the page also says
    // it is still open, and hears who else has the story open.
    var KEPT = ["headline", "slug", "dek", "body", "image_alt", "image_caption", "image_credit"];

    function autosave() {
        var holder = document.getElementById("newsroom-article-form");
        var headline = document.getElementById("id_headline");
        if (!holder || !holder.dataset.autosaveUrl || !headline) {
            return;
        }
        var form = headline.form;
        var url = holder.dataset.autosaveUrl;
        var presence = document.getElementById("story-presence");
        var sent = null;
        var submitting = false;

        function words() {
            var values = {};
            KEPT.forEach(function (name) {
                var field = document.getElementById("id_" + name);
                values[name] = field ? field.value : "";
            });
            return values;
        }

        function payload(keep) {
            var data = new FormData();
            data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
            data.append("article", holder.dataset.articleId || "");
            if (keep) {
                var values = words();
                Object.keys(values).forEach(function (name) {
                    data.append(name, values[name]);
                });
                var version = document.getElementById("id_loaded_version");
                data.append("loaded_version", version ? version.value : "");
                data.append("opened", holder.dataset.autosaveOpened || "");
                data.append("keep", "1");
            }
            return data;
        }

        function changed() {
            return JSON.stringify(words()) !== sent;
        }

        function show(answer) {
            if (!presence || !answer) {
                return;
            }
            var others = answer.others || [];
            presence.hidden = !others.length;
            presence.textContent = others.length ? holder.dataset.presence.replace("%s", others.join(", ")) : "";
        }

        function send(keep) {
            var snapshot = JSON.stringify(words());
            fetch(url, {method: "POST", body: payload(keep), credentials: "same-origin"})
                .then(function (response) {
                    if (!response.ok) {
                        return null;
                    }
                    if (keep) {
                        sent = snapshot;
                    }
                    return response.json();
                })
                .then(show)
                .catch(function () {});
        }

        // What the form opened with is not worth keeping.
        sent = JSON.stringify(words());
        form.addEventListener("submit", function () {
            submitting = true;
        });
        window.setInterval(function () {
            if (!submitting && changed()) {
                send(true);
            }
        }, 5000);
        window.setInterval(function () {
            if (!submitting) {
                send(false);
            }
        }, 20000);
        send(false);
        // Leaving the page (a closed tab, another address): one last copy.
        window.addEventListener("pagehide", function () {
            if (!submitting && changed() && navigator.sendBeacon) {
                navigator.sendBeacon(url, payload(true));
            }
        });
    }

    function init() {
        startAtTheHeadline();
        topicPicker();
        COUNTERS.forEach(counter);
        addressPreview();
        ordering();
        scheduleDialog();
        suggestionPanel();
        autosave();
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
