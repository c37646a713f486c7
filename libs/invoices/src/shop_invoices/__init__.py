"""shop-invoices: a paid order's invoice (`shop_contracts.events.Invoice`) as a PDF.

    from shop_invoices.pdf import render_invoice_pdf
    data = render_invoice_pdf(invoice, locale="fr_FR")   # bytes, "%PDF-..."

Orders builds the `Invoice` when it records a payment (the number, gapless, is its own);
orders serves the PDF to the client and the admin, notifications attaches it to the delivery
email. Both render it here, from the same document, so they send the same file.

This package file imports nothing on purpose: fpdf2 is loaded only by `shop_invoices.pdf`.
"""
