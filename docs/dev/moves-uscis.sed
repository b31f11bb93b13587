# The USCIS forms in one package (cases/uscis/); the PDF cleaner, which imports nothing of cases, in cases/lib/.
# Re-apply to a branch started before the move (sed -E):
#   git ls-files -z '*.py' '*.md' '*.toml' | xargs -0 sed -i -E -f docs/dev/moves-uscis.sed
# Then fix by hand what no line here can: several names in one import, e.g.
# "from cases.documents import acroform, issuing" (split it by package).
# Dotted module paths (cases.formmap also covers cases.formmap_i914b).
s|cases\.formmap|cases.uscis.formmap|g
s|cases\.formitems|cases.uscis.formitems|g
s|cases\.trafficking|cases.uscis.trafficking|g
s|cases\.documents\.acroform|cases.uscis.acroform|g
s|cases\.documents\.appearance|cases.uscis.appearance|g
s|cases\.documents\.page_rules|cases.uscis.page_rules|g
s|cases\.documents\.synthetic|cases.uscis.synthetic|g
s|cases\.documents\.i918b_fields|cases.uscis.i918b_fields|g
s|cases\.documents\.i914b_fields|cases.uscis.i914b_fields|g
s|cases\.documents\.pdf_clean|cases.lib.pdf_clean|g
# File paths.
s|cases/formmap\.py|cases/uscis/formmap.py|g
s|cases/formmap_i914b\.py|cases/uscis/formmap_i914b.py|g
s|cases/formitems\.py|cases/uscis/formitems.py|g
s|cases/trafficking\.py|cases/uscis/trafficking.py|g
s|cases/documents/acroform\.py|cases/uscis/acroform.py|g
s|cases/documents/appearance\.py|cases/uscis/appearance.py|g
s|cases/documents/page_rules\.py|cases/uscis/page_rules.py|g
s|cases/documents/synthetic\.py|cases/uscis/synthetic.py|g
s|cases/documents/synthetic_i914b\.py|cases/uscis/synthetic_i914b.py|g
s|cases/documents/i918b_fields\.py|cases/uscis/i918b_fields.py|g
s|cases/documents/i914b_fields\.py|cases/uscis/i914b_fields.py|g
s|cases/documents/pdf_clean\.py|cases/lib/pdf_clean.py|g
s|cases/data/i918b-01-20-25-fields\.csv|cases/uscis/data/i918b-01-20-25-fields.csv|g
s|cases/data/i914b-01-20-25-fields\.csv|cases/uscis/data/i914b-01-20-25-fields.csv|g
# One module per import statement.
s|^(\s*)from cases import formmap( as \w+)?$|\1from cases.uscis import formmap\2|
s|^(\s*)from cases import formmap_i914b( as \w+)?$|\1from cases.uscis import formmap_i914b\2|
s|^(\s*)from cases import formitems( as \w+)?$|\1from cases.uscis import formitems\2|
s|^(\s*)from cases import trafficking( as \w+)?$|\1from cases.uscis import trafficking\2|
s|^(\s*)from cases\.documents import acroform( as \w+)?$|\1from cases.uscis import acroform\2|
s|^(\s*)from cases\.documents import appearance( as \w+)?$|\1from cases.uscis import appearance\2|
s|^(\s*)from cases\.documents import page_rules( as \w+)?$|\1from cases.uscis import page_rules\2|
s|^(\s*)from cases\.documents import synthetic( as \w+)?$|\1from cases.uscis import synthetic\2|
s|^(\s*)from cases\.documents import synthetic_i914b( as \w+)?$|\1from cases.uscis import synthetic_i914b\2|
s|^(\s*)from cases\.documents import i918b_fields( as \w+)?$|\1from cases.uscis import i918b_fields\2|
s|^(\s*)from cases\.documents import i914b_fields( as \w+)?$|\1from cases.uscis import i914b_fields\2|
s|^(\s*)from cases\.documents import pdf_clean$|\1from cases.lib import pdf_clean|
