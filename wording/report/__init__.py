"""The business case of one programme as it leaves the room, in the reader's language.

``texts`` (figures, inputs, caveats in words), ``charts`` (plotly figures shared by the page
and the exports), ``html`` (the self-contained HTML report), ``excel`` (the workbook).
"""

from wording.catalogue import t  # noqa: F401
from wording.report.charts import (  # noqa: F401
    COST_COLOUR,
    GAIN_COLOUR,
    LINE_COLOUR,
    MUTED,
    cash_flow_figure,
    histogram_figure,
    tornado_figure,
    waterfall_figure,
)
from wording.report.excel import (  # noqa: F401
    excel_report,
)
from wording.report.html import (  # noqa: F401
    PRINT_CHART_WIDTH,
    html_report,
)
from wording.report.texts import (  # noqa: F401
    CASH_FLOW_COLUMNS,
    break_even_text,
    cash_flow_headers,
    group_detail,
    headline_rows,
    input_rows,
    irr_text,
    irr_warning,
    note_text,
    payback_text,
    per_unit_text,
    report_filename,
    sensitivity_headers,
    sensitivity_rows,
    unit_loss_warning,
    warnings,
    years_text,
)
