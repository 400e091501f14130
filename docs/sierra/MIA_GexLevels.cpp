// MIA GEX levels for Sierra Chart (ACSIL custom study).
//
// Reads the levels CSV written by `mia gex` (header: label,price,index_level,ts_utc,underlying,basis)
// and draws one horizontal line per level at `price` (futures price = index level + basis),
// labelled with `label`. The file is re-read every "Reload every N seconds" seconds, so
// re-running `mia gex` (or a scheduled job) moves the lines. See docs/gex.md.
//
// Build: copy this file into Sierra Chart's ACS_Source folder, Analysis >> Build Custom
// Studies DLL, then add "MIA GEX Levels" to a chart. Not compiled in MIA's own CI
// (Sierra Chart does not run there).

#include "sierrachart.h"

#include <fstream>
#include <sstream>
#include <string>

SCDLLName("MIA GEX Levels")

static COLORREF ColorFor(const std::string& Label)
{
    if (Label == "zero_gamma" || Label == "zero_gamma_ex_0dte") return RGB(160, 32, 240);
    if (Label == "call_wall" || Label == "call_oi_wall") return RGB(0, 170, 0);
    if (Label == "put_wall" || Label == "put_oi_wall") return RGB(220, 0, 0);
    if (Label == "spot") return RGB(128, 128, 128);
    return RGB(255, 165, 0);
}

SCSFExport scsf_MIAGexLevels(SCStudyInterfaceRef sc)
{
    SCInputRef InPath = sc.Input[0];
    SCInputRef InReloadSeconds = sc.Input[1];
    SCInputRef InShowSpot = sc.Input[2];
    const int FirstLineNumber = 72000;

    if (sc.SetDefaults)
    {
        sc.GraphName = "MIA GEX Levels";
        sc.StudyDescription = "Horizontal lines at the dealer gamma levels written by mia gex.";
        sc.AutoLoop = 0;
        sc.GraphRegion = 0;
        InPath.Name = "Levels CSV file";
        InPath.SetString("C:\\MIA\\gex_out\\quotedata_sierra_levels.csv");
        InReloadSeconds.Name = "Reload every N seconds";
        InReloadSeconds.SetInt(60);
        InShowSpot.Name = "Draw the spot line";
        InShowSpot.SetYesNo(0);
        return;
    }

    double& LastLoad = sc.GetPersistentDouble(1);
    int& LinesDrawn = sc.GetPersistentInt(2);
    const double Now = sc.CurrentSystemDateTime.GetAsDouble();  // days
    if (!sc.IsFullRecalculation && LastLoad > 0 && (Now - LastLoad) * 86400.0 < InReloadSeconds.GetInt())
        return;
    LastLoad = Now;

    std::ifstream File(InPath.GetString());
    if (!File.is_open())
    {
        sc.AddMessageToLog("MIA GEX Levels: cannot open the levels file", 0);
        return;
    }
    std::string Line;
    std::getline(File, Line);  // header
    int Count = 0;
    while (std::getline(File, Line))
    {
        std::stringstream Fields(Line);
        std::string Label, Price;
        if (!std::getline(Fields, Label, ',') || !std::getline(Fields, Price, ','))
            continue;
        if (Label == "spot" && !InShowSpot.GetYesNo())
            continue;
        s_UseTool Tool;
        Tool.Clear();
        Tool.ChartNumber = sc.ChartNumber;
        Tool.DrawingType = DRAWING_HORIZONTALLINE;
        Tool.LineNumber = FirstLineNumber + Count;
        Tool.BeginValue = (float)atof(Price.c_str());
        Tool.Color = ColorFor(Label);
        Tool.LineWidth = 2;
        Tool.Text = Label.c_str();
        Tool.AddMethod = UTAM_ADD_OR_ADJUST;
        sc.UseTool(Tool);
        ++Count;
    }
    for (int Stale = Count; Stale < LinesDrawn; ++Stale)  // levels that disappeared since the last read
        sc.DeleteACSChartDrawing(sc.ChartNumber, TOOL_DELETE_CHARTDRAWING, FirstLineNumber + Stale);
    LinesDrawn = Count;
}
