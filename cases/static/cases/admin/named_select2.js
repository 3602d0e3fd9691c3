'use strict';
{
    // Select2 (the admin's autocomplete box) names its combobox after the chosen value alone, and
    // gives that value's box role="textbox" with no name at all. Give the combobox the name the
    // hidden <select> has (NamedInputsInlineMixin's aria-label) followed by the value, and leave
    // the value's box as plain text inside it.
    const $ = django.jQuery;

    function nameSelect2(select) {
        const name = select.getAttribute('aria-label');
        const box = select.nextElementSibling;
        if (!name || !box || !box.classList.contains('select2')) {
            return;
        }
        const combobox = box.querySelector('.select2-selection[role="combobox"]');
        const value = box.querySelector('.select2-selection__rendered');
        if (!combobox || !value) {
            return;
        }
        const label = document.createElement('span');
        label.id = select.id + '-name';
        label.hidden = true;
        label.textContent = name;
        box.appendChild(label);
        combobox.setAttribute('aria-labelledby', label.id + ' ' + value.id);
        value.removeAttribute('role');
        value.removeAttribute('aria-readonly');
    }

    function nameAll(root) {
        $(root).find('select.admin-autocomplete[aria-label]').each((i, select) => nameSelect2(select));
    }

    $(() => nameAll(document));
    document.addEventListener('formset:added', (event) => nameAll(event.target));
}
