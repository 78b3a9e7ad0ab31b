"""Forms more than one app's pages use."""

from django import forms


class UploadForm(forms.Form):
    """A list to import: the importers read .xlsx and CSV (UTF-8 or GBK as Excel saves it)."""

    file = forms.FileField(label="Excel或CSV文件", help_text=".xlsx 或 .csv（Excel另存的GBK也可）")
