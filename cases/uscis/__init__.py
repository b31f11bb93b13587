"""The USCIS forms: Form I-918 Supplement B (U visa) and Form I-914 Supplement B (T visa).

Named ``uscis`` so that a USCIS form is never mistaken for a Django form (cases/forms/). The
package knows the forms, not the database: it reads a request through the attributes it names
(form_request.FormRequest) and never imports cases.models, so the models may use it (the certify
guard, the T-visa choices).

- formitems.py: a Part and its Items; formmap.py: each edition's map (the I-918B, and the
  registry of editions); formmap_i914b.py: the I-914B's map (01/20/25);
  i914b_02_27_17_items.py: USCIS's I-914B of 02/27/17 (Parts A-F); trafficking.py: the
  I-914B's choices.
- acroform.py: reading, checking and filling a form's AcroForm fields; pdf_fields.py: the
  small records both it and appearance.py use; appearance.py: the printed look of a filled field
  and the continuation sheet; page_rules.py: the rules printed on each page.
- i918b_fields.py, i914b_fields.py, i914b_02_27_17_fields.py: each edition's field names and
  the tooltip words each item's field must have (the field lists in data/).
- synthetic.py, synthetic_i914b.py: stand-in templates with the editions' fields, for tests.

Loading a blank template into the database and filling the active one for a request is the
department's (cases/documents/official.py).
"""
